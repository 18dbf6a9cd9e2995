/**
 * Broadcast a system notification (`POST /admin/notifications`): level, title, message and audience
 * (everyone, one role, or one conversation's members), with field validation.
 */
import type { Audience, NotificationLevel } from '@herald/protocol';
import { type FormEvent, useId, useState } from 'react';
import { toast } from 'sonner';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';

type AudienceKind = 'all' | 'role' | 'conversation';

export function BroadcastForm() {
  const { t } = useI18n();
  const { api } = useServices();
  const id = useId();
  const [level, setLevel] = useState<NotificationLevel>('info');
  const [title, setTitle] = useState('');
  const [message, setMessage] = useState('');
  const [kind, setKind] = useState<AudienceKind>('all');
  const [target, setTarget] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setStatus(null);
    if (!title.trim()) return setProblem(t('admin.titleRequired'));
    if (kind === 'role' && !target.trim()) return setProblem(t('admin.roleRequired'));
    if (kind === 'conversation' && !target.trim()) return setProblem(t('admin.conversationRequired'));
    setProblem(null);
    const audience: Audience =
      kind === 'all'
        ? { kind: 'all' }
        : kind === 'role'
          ? { kind: 'role', role: target.trim().toLowerCase() }
          : { kind: 'conversation', conversationId: target.trim() };
    setBusy(true);
    try {
      await api.admin.broadcast({ body: { level, title: title.trim(), message, audience } });
      setStatus(t('admin.sent'));
      toast.success(t('admin.sent'));
      setTitle('');
      setMessage('');
    } catch (error) {
      setProblem(t('admin.sendFailed', { message: error instanceof Error ? error.message : String(error) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`} className="mb-3 font-semibold">
        {t('admin.broadcast')}
      </h2>
      <form onSubmit={submit} noValidate className="space-y-3">
        <div className="grid gap-3 sm:grid-cols-[10rem_1fr]">
          <div className="space-y-1">
            <label htmlFor={`${id}-level`} className="block text-sm font-medium">
              {t('admin.level')}
            </label>
            <select
              id={`${id}-level`}
              className="input"
              value={level}
              onChange={(event) => setLevel(event.target.value as NotificationLevel)}
            >
              <option value="info">{t('admin.level.info')}</option>
              <option value="warning">{t('admin.level.warning')}</option>
              <option value="error">{t('admin.level.error')}</option>
            </select>
          </div>
          <div className="space-y-1">
            <label htmlFor={`${id}-title`} className="block text-sm font-medium">
              {t('admin.notifTitle')}
            </label>
            <input
              id={`${id}-title`}
              name="title"
              className="input"
              maxLength={200}
              value={title}
              onChange={(event) => setTitle(event.target.value)}
            />
          </div>
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-message`} className="block text-sm font-medium">
            {t('admin.notifMessage')}
          </label>
          <textarea
            id={`${id}-message`}
            name="message"
            className="input"
            rows={3}
            maxLength={4000}
            value={message}
            onChange={(event) => setMessage(event.target.value)}
          />
        </div>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium">{t('admin.audience')}</legend>
          <div className="flex flex-wrap gap-4">
            {(['all', 'role', 'conversation'] as const).map((option) => (
              <label key={option} className="flex items-center gap-1.5 text-sm">
                <input type="radio" name={`${id}-audience`} value={option} checked={kind === option} onChange={() => setKind(option)} />
                {t(`admin.audience.${option}`)}
              </label>
            ))}
          </div>
          {kind !== 'all' && (
            <div className="space-y-1">
              <label htmlFor={`${id}-target`} className="block text-sm font-medium">
                {t(kind === 'role' ? 'admin.role' : 'admin.conversationId')}
              </label>
              <input id={`${id}-target`} className="input" value={target} onChange={(event) => setTarget(event.target.value)} />
            </div>
          )}
        </fieldset>
        {problem && (
          <p role="alert" className="text-sm text-red-600 dark:text-red-400">
            {problem}
          </p>
        )}
        {status && (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            {status}
          </p>
        )}
        <button type="submit" className="btn-primary" disabled={busy}>
          {t('admin.send')}
        </button>
      </form>
    </section>
  );
}
