/**
 * Server API keys (`/admin/api-keys`): every key with its scopes, limits, expiry, last use and
 * status; a form to create one (its plaintext shown once, with a copy button); revoke after an
 * inline confirmation. The list reloads after each change.
 */
import type { ApiKey, RestClient } from '@herald/protocol';
import { useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';
import { CreateApiKeyForm } from './CreateApiKeyForm';
import { NewApiKey } from './NewApiKey';
import { PolledPanel } from './PolledPanel';
import { usePolled } from './usePolled';

const listKeys = (api: RestClient) => api.admin.listApiKeys();

type KeyStatus = 'active' | 'revoked' | 'expired' | 'unscoped';

/** What the server would do with the key now (the creator's current role aside: the server checks that). */
function statusOf(key: ApiKey, now: number): KeyStatus {
  if (key.revokedAt !== null) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  if (key.scopes.length === 0 || key.createdBy === null) return 'unscoped';
  return 'active';
}

const STATUS_STYLE: Record<KeyStatus, string> = {
  active: 'bg-emerald-100 text-emerald-800 dark:bg-emerald-900 dark:text-emerald-200',
  revoked: 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200',
  expired: 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200',
  unscoped: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
};

export function ApiKeysPanel() {
  const { t } = useI18n();
  const { data, error, reload } = usePolled(listKeys);
  const [created, setCreated] = useState<{ key: string; apiKey: ApiKey } | null>(null);
  return (
    <PolledPanel id="api-keys-title" title={t('admin.apiKeys')} error={error} onRefresh={reload}>
      <div className="grid gap-4 lg:grid-cols-[1fr_20rem]">
        <div>
          {data && data.apiKeys.length === 0 && <p className="text-sm text-slate-500">{t('admin.apiKeys.none')}</p>}
          <ul className="max-h-[32rem] divide-y divide-slate-100 overflow-y-auto dark:divide-slate-800" data-testid="api-keys">
            {data?.apiKeys.map((key) => (
              <ApiKeyRow key={key.id} apiKey={key} onRevoked={reload} />
            ))}
          </ul>
        </div>
        <div className="space-y-3">
          {created && <NewApiKey name={created.apiKey.name} plaintext={created.key} onDismiss={() => setCreated(null)} />}
          <CreateApiKeyForm
            onCreated={(result) => {
              setCreated(result);
              reload();
            }}
          />
        </div>
      </div>
    </PolledPanel>
  );
}

function ApiKeyRow(props: { apiKey: ApiKey; onRevoked: () => void }) {
  const { apiKey } = props;
  const { t, locale } = useI18n();
  const { api } = useServices();
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  const status = statusOf(apiKey, Date.now());

  const revoke = async () => {
    setBusy(true);
    try {
      await api.admin.revokeApiKey({ params: { id: apiKey.id } });
      setConfirming(false);
      props.onRevoked();
    } catch (error) {
      setProblem(t('admin.apiKeys.revokeFailed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  const senders = apiKey.senderIds;
  return (
    <li className="space-y-1 py-2 text-sm" data-testid={`api-key-${apiKey.prefix}`}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-medium">{apiKey.name}</span>
        <code className="text-xs text-slate-500">{apiKey.prefix}…</code>
        <span className={`rounded px-1.5 text-xs ${STATUS_STYLE[status]}`} data-testid="api-key-status">
          {t(`admin.apiKeys.status.${status}`)}
        </span>
        {apiKey.revokedAt === null && !confirming && (
          <button type="button" className="btn-secondary ml-auto py-0.5 text-xs" onClick={() => setConfirming(true)}>
            {t('admin.apiKeys.revoke')}
          </button>
        )}
      </div>
      <div className="flex flex-wrap gap-x-3 text-xs text-slate-600 dark:text-slate-300">
        <span>{apiKey.scopes.map((scope) => t(`admin.apiKeys.scope.${scope}`)).join(', ') || '—'}</span>
        <span>
          {apiKey.conversationIds
            ? t('admin.apiKeys.conversationList', { ids: apiKey.conversationIds.join(', ') })
            : t('admin.apiKeys.anyConversation')}
        </span>
        {senders && (
          <span>{senders.includes('*') ? t('admin.apiKeys.anySender') : t('admin.apiKeys.senderList', { ids: senders.join(', ') })}</span>
        )}
        <span>
          {apiKey.expiresAt !== null
            ? t('admin.apiKeys.expires', { time: format.format(apiKey.expiresAt) })
            : t('admin.apiKeys.neverExpires')}
        </span>
        <span>
          {apiKey.lastUsedAt !== null
            ? t('admin.apiKeys.lastUsed', { time: format.format(apiKey.lastUsedAt) })
            : t('admin.apiKeys.neverUsed')}
        </span>
      </div>
      {confirming && (
        <div className="flex flex-wrap items-center gap-2">
          <span className="text-xs">{t('admin.apiKeys.confirmRevoke', { name: apiKey.name })}</span>
          <button type="button" className="btn-primary py-0.5 text-xs" disabled={busy} onClick={revoke}>
            {t('admin.apiKeys.confirm')}
          </button>
          <button type="button" className="btn-secondary py-0.5 text-xs" onClick={() => setConfirming(false)}>
            {t('admin.apiKeys.cancel')}
          </button>
        </div>
      )}
      {problem && (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {problem}
        </p>
      )}
    </li>
  );
}
