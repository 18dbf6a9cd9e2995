/** The latest 100 audit log entries (`GET /admin/audit`), newest first: when, who, what, to what, details. */
import type { AuditEntry, RestClient } from '@herald/protocol';
import { useI18n } from '../i18n/useI18n';
import { codeWord } from './admin-labels';
import { PolledPanel } from './PolledPanel';
import { usePolled } from './usePolled';

const latestEntries = (api: RestClient) => api.admin.auditLog({ query: { limit: 100 } });

export function AuditLogPanel() {
  const { t, locale } = useI18n();
  const { data, error, reload } = usePolled(latestEntries);
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
  const actorOf = (entry: AuditEntry) =>
    entry.actor.kind === 'system'
      ? t('admin.audit.system')
      : t(entry.actor.kind === 'api_key' ? 'admin.audit.actorKey' : 'admin.audit.actorUser', { id: entry.actor.id ?? '?' });
  // The action in words (the code on hover); a code this page does not know yet shows as it is.
  const actionOf = (action: string) => codeWord(t, 'admin.audit.action.', action);
  return (
    <PolledPanel id="audit-title" title={t('admin.audit')} error={error} onRefresh={reload}>
      {data && data.entries.length === 0 && <p className="text-sm text-slate-500">{t('admin.audit.none')}</p>}
      <ul className="max-h-96 space-y-1 overflow-y-auto" data-testid="audit-log">
        {data?.entries.map((entry) => (
          <li key={entry.id} className="rounded bg-slate-50 px-2 py-1 text-xs dark:bg-slate-800">
            <div className="flex flex-wrap gap-x-3">
              <time className="text-slate-500" dateTime={new Date(entry.at).toISOString()}>
                {format.format(entry.at)}
              </time>
              <span className="font-medium" title={entry.action}>
                {actionOf(entry.action)}
              </span>
              <span className="text-slate-600 dark:text-slate-300">{actorOf(entry)}</span>
              {entry.targetId && <span className="text-slate-600 dark:text-slate-300">→ {entry.targetId}</span>}
            </div>
            {entry.details && <code className="block break-all text-[11px] text-slate-500">{JSON.stringify(entry.details)}</code>}
          </li>
        ))}
      </ul>
    </PolledPanel>
  );
}
