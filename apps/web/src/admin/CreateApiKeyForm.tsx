/**
 * Create a server API key (`POST /admin/api-keys`): name, scopes, and optional conversation and
 * sender limits and expiry. Checks what the server would refuse before sending (a name, a scope,
 * senders for the messages scope, an expiry in the future) and hands the created key — the only
 * copy of its plaintext — to `onCreated`.
 */
import type { ApiKey, ApiKeyScope, CreateApiKeyBody } from '@herald/protocol';
import { type FormEvent, useId, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';

const SCOPES: readonly ApiKeyScope[] = ['messages', 'notifications', 'events'];

/** Ids typed into a text field, separated by commas or spaces. */
const idsOf = (text: string): string[] => text.split(/[\s,]+/).filter((id) => id !== '');

export function CreateApiKeyForm(props: { onCreated: (created: { key: string; apiKey: ApiKey }) => void }) {
  const { t } = useI18n();
  const { api } = useServices();
  const id = useId();
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<ApiKeyScope[]>([]);
  const [conversations, setConversations] = useState('');
  const [senders, setSenders] = useState('');
  const [expiry, setExpiry] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const toggle = (scope: ApiKeyScope, on: boolean) =>
    setScopes((current) => (on ? SCOPES.filter((s) => s === scope || current.includes(s)) : current.filter((s) => s !== scope)));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const conversationIds = idsOf(conversations);
    const senderIds = idsOf(senders);
    const expiresAt = expiry ? new Date(expiry).getTime() : undefined;
    if (!name.trim()) return setProblem(t('admin.apiKeys.nameRequired'));
    if (scopes.length === 0) return setProblem(t('admin.apiKeys.scopeRequired'));
    if (scopes.includes('messages') && senderIds.length === 0) return setProblem(t('admin.apiKeys.sendersRequired'));
    if (expiresAt !== undefined && !(expiresAt > Date.now())) return setProblem(t('admin.apiKeys.expiryPast'));
    setProblem(null);
    const body: CreateApiKeyBody = {
      name: name.trim(),
      scopes,
      ...(conversationIds.length > 0 ? { conversationIds } : {}),
      ...(senderIds.length > 0 ? { senderIds } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    };
    setBusy(true);
    try {
      props.onCreated(await api.admin.createApiKey({ body }));
      setName('');
      setScopes([]);
      setConversations('');
      setSenders('');
      setExpiry('');
    } catch (error) {
      setProblem(t('admin.apiKeys.createFailed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="space-y-3" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`} className="text-sm font-semibold">
        {t('admin.apiKeys.createHeading')}
      </h3>
      <div className="space-y-1">
        <label htmlFor={`${id}-name`} className="block text-sm font-medium">
          {t('admin.apiKeys.name')}
        </label>
        <input id={`${id}-name`} className="input" maxLength={100} value={name} onChange={(event) => setName(event.target.value)} />
      </div>
      <fieldset className="space-y-1">
        <legend className="text-sm font-medium">{t('admin.apiKeys.scopes')}</legend>
        <div className="flex flex-wrap gap-4">
          {SCOPES.map((scope) => (
            <label key={scope} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" checked={scopes.includes(scope)} onChange={(event) => toggle(scope, event.target.checked)} />
              {t(`admin.apiKeys.scope.${scope}`)}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="space-y-1">
        <label htmlFor={`${id}-senders`} className="block text-sm font-medium">
          {t('admin.apiKeys.senders')}
        </label>
        <input id={`${id}-senders`} className="input" value={senders} onChange={(event) => setSenders(event.target.value)} />
      </div>
      <div className="space-y-1">
        <label htmlFor={`${id}-conversations`} className="block text-sm font-medium">
          {t('admin.apiKeys.conversations')}
        </label>
        <input
          id={`${id}-conversations`}
          className="input"
          value={conversations}
          onChange={(event) => setConversations(event.target.value)}
        />
      </div>
      <div className="space-y-1">
        <label htmlFor={`${id}-expiry`} className="block text-sm font-medium">
          {t('admin.apiKeys.expiry')}
        </label>
        <input
          id={`${id}-expiry`}
          type="datetime-local"
          className="input"
          value={expiry}
          onChange={(event) => setExpiry(event.target.value)}
        />
      </div>
      {problem && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {problem}
        </p>
      )}
      <button type="submit" className="btn-primary" disabled={busy}>
        {t('admin.apiKeys.create')}
      </button>
    </form>
  );
}
