/** The latest client error reports (`GET /admin/errors`), newest first, stacks folded; who sent each by name (id on hover). */
import type { RestClient } from '@herald/protocol';
import { useI18n } from '../i18n/useI18n';
import { PolledPanel } from './PolledPanel';
import { usePolled } from './usePolled';

const latestReports = (api: RestClient) => api.admin.errorReports({ query: { limit: 20 } });

export function ErrorReports() {
  const { t, locale } = useI18n();
  const { data, error, reload } = usePolled(latestReports);
  const format = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'medium' });
  return (
    <PolledPanel id="errors-title" title={t('admin.errors')} error={error} onRefresh={reload}>
      {data && data.reports.length === 0 && <p className="text-sm text-slate-500">{t('admin.noErrors')}</p>}
      <ul className="max-h-96 space-y-2 overflow-y-auto" data-testid="error-reports">
        {data?.reports.map((report) => (
          <li key={report.id} className="rounded-lg bg-slate-50 p-2 text-sm dark:bg-slate-800">
            <div className="flex flex-wrap gap-x-3 text-xs text-slate-500">
              <time dateTime={new Date(report.createdAt).toISOString()}>{format.format(report.createdAt)}</time>
              {report.userId === null ? (
                <span>{t('admin.anonymous')}</span>
              ) : (
                <span title={t('admin.userIdHint', { id: report.userId })} data-testid="error-report-user">
                  {report.userName ?? report.userId}
                </span>
              )}
              {report.url && <span className="truncate">{report.url}</span>}
            </div>
            <p className="font-mono text-[13px] break-words text-red-700 dark:text-red-300">{report.message}</p>
            {(report.stack || report.componentStack) && (
              <details className="mt-1">
                <summary className="cursor-pointer text-xs text-slate-500">{t('admin.stack')}</summary>
                <pre className="mt-1 max-h-48 overflow-auto text-[11px] whitespace-pre-wrap">
                  {[report.stack, report.componentStack].filter(Boolean).join('\n')}
                </pre>
              </details>
            )}
          </li>
        ))}
      </ul>
    </PolledPanel>
  );
}
