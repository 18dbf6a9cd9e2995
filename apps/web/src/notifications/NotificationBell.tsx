/** NotificationBell: unread system notifications as a badge, with a popover list and "mark all read". */
import { useNotifications } from '@herald/react';
import { useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { BellIcon } from '../layout/icons';

const LEVEL_DOT = { info: 'bg-blue-500', warning: 'bg-amber-500', error: 'bg-red-500' } as const;

export function NotificationBell() {
  const { t, locale } = useI18n();
  const { notifications, unreadCount, markRead } = useNotifications();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (event: Event) => {
      if (event instanceof KeyboardEvent ? event.key === 'Escape' : !root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', close);
    document.addEventListener('pointerdown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('pointerdown', close);
    };
  }, [open]);
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        className="btn-icon relative"
        aria-label={`${t('nav.notifications')}${unreadCount ? ` (${unreadCount})` : ''}`}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
      >
        <BellIcon />
        {unreadCount > 0 && (
          <span className="absolute -top-0.5 -right-0.5 min-w-4 rounded-full bg-red-600 px-1 text-center text-[10px] leading-4 font-semibold text-white">
            {unreadCount > 99 ? '99+' : unreadCount}
          </span>
        )}
      </button>
      {open && (
        <section
          id={panelId}
          aria-label={t('nav.notifications')}
          className="absolute right-0 z-30 mt-2 w-80 max-w-[calc(100vw-1.5rem)] rounded-xl bg-white p-2 shadow-lg ring-1 ring-slate-200 dark:bg-slate-900 dark:ring-slate-700"
        >
          <div className="flex items-center justify-between px-2 py-1">
            <h2 className="text-sm font-semibold">{t('nav.notifications')}</h2>
            <button
              type="button"
              className="text-xs text-blue-600 hover:underline disabled:opacity-50 dark:text-blue-400"
              disabled={unreadCount === 0}
              onClick={() => void markRead('all')}
            >
              {t('nav.markAllRead')}
            </button>
          </div>
          {notifications.length === 0 ? (
            <p className="px-2 py-4 text-center text-sm text-slate-500">{t('nav.noNotifications')}</p>
          ) : (
            <ul className="max-h-80 overflow-y-auto">
              {notifications.map((n) => (
                <li key={n.id} className={`rounded-lg px-2 py-2 ${n.read ? 'opacity-70' : ''}`}>
                  <div className="flex items-center gap-2">
                    <span className={`h-2 w-2 shrink-0 rounded-full ${LEVEL_DOT[n.level]}`} aria-hidden="true" />
                    <span className="truncate text-sm font-medium">{n.title}</span>
                    <time className="ml-auto shrink-0 text-xs text-slate-500" dateTime={new Date(n.createdAt).toISOString()}>
                      {new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(n.createdAt)}
                    </time>
                  </div>
                  {n.message && <p className="mt-0.5 pl-4 text-sm text-slate-600 dark:text-slate-300">{n.message}</p>}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
