/**
 * Users online across the whole cluster (`GET /admin/users/online`: every node's sessions), refreshed
 * every 5 s: a total of users and sessions, and per user their sessions (device and node on hover).
 */
import type { RestClient } from '@herald/protocol';
import { useI18n } from '../i18n/useI18n';
import { codeWord, formatNumber } from './admin-labels';
import { PolledPanel } from './PolledPanel';
import { usePolled } from './usePolled';

const onlineUsers = (api: RestClient) => api.admin.onlineUsers();

export function OnlineUsers() {
  const { t, locale } = useI18n();
  const { data, error, reload } = usePolled(onlineUsers, 5_000);
  const sessionCount = data?.users.reduce((total, user) => total + user.sessions.length, 0) ?? 0;
  const word = (prefix: string, code: string) => codeWord(t, prefix, code);
  return (
    <PolledPanel
      id="online-title"
      title={
        <>
          {t('admin.online')}{' '}
          {data && (
            <span className="text-sm font-normal text-slate-500" data-testid="online-summary">
              ({t('admin.onlineSummary', { users: formatNumber(locale, data.users.length), sessions: formatNumber(locale, sessionCount) })})
            </span>
          )}
        </>
      }
      error={error}
      onRefresh={reload}
    >
      {data && data.users.length === 0 && <p className="text-sm text-slate-500">{t('admin.noneOnline')}</p>}
      <ul className="max-h-72 divide-y divide-slate-100 overflow-y-auto dark:divide-slate-800" data-testid="online-users">
        {data?.users.map((user) => (
          <li key={user.userId} className="flex items-center gap-2 py-2 text-sm" data-user-id={user.userId}>
            <span className="h-2 w-2 rounded-full bg-emerald-500" aria-hidden="true" />
            <span className="font-medium" title={t('admin.userIdHint', { id: user.userId })}>
              {user.name}
            </span>
            <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              {word('admin.role.', user.role)}
            </span>
            <span
              className="ml-auto truncate text-xs text-slate-500"
              title={user.sessions
                .map((s) => t('admin.sessionOn', { device: s.deviceName ?? word('admin.device.', s.deviceType), node: s.nodeId }))
                .join(', ')}
            >
              {t('admin.sessions', { count: user.sessions.length })}
            </span>
          </li>
        ))}
      </ul>
    </PolledPanel>
  );
}
