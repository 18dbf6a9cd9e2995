/** Users online on this node (`GET /admin/users/online`), refreshed every 5 s. */
import type { RestClient } from '@herald/protocol';
import { useI18n } from '../i18n/useI18n';
import { PolledPanel } from './PolledPanel';
import { usePolled } from './usePolled';

const onlineUsers = (api: RestClient) => api.admin.onlineUsers();

export function OnlineUsers() {
  const { t } = useI18n();
  const { data, error, reload } = usePolled(onlineUsers, 5_000);
  return (
    <PolledPanel
      id="online-title"
      title={
        <>
          {t('admin.online')} {data && <span className="text-sm font-normal text-slate-500">({data.users.length})</span>}
        </>
      }
      error={error}
      onRefresh={reload}
    >
      {data && data.users.length === 0 && <p className="text-sm text-slate-500">{t('admin.noneOnline')}</p>}
      <ul className="max-h-72 divide-y divide-slate-100 overflow-y-auto dark:divide-slate-800" data-testid="online-users">
        {data?.users.map((user) => (
          <li key={user.userId} className="flex items-center gap-2 py-2 text-sm">
            <span className="h-2 w-2 rounded-full bg-emerald-500" aria-hidden="true" />
            <span className="font-medium">{user.name}</span>
            <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-600 dark:bg-slate-800 dark:text-slate-300">{user.role}</span>
            <span
              className="ml-auto truncate text-xs text-slate-500"
              title={user.sessions.map((s) => s.deviceName ?? s.deviceType).join(', ')}
            >
              {t('admin.sessions', { count: user.sessions.length })}
            </span>
          </li>
        ))}
      </ul>
    </PolledPanel>
  );
}
