/**
 * The header: app name, navigation (Settings, and Admin for admins), the connection status (always visible;
 * past the client's attempt limit "Offline — retrying every N s" with Retry now),
 * notifications, sound toggle, desktop-notification opt-in, language and sign-out.
 */
import { ConnectionStatus } from '@herald/react';
import { NavLink } from 'react-router';
import { useChat } from '../chat/useChat';
import { useI18n } from '../i18n/useI18n';
import { DesktopToggle } from '../notifications/DesktopToggle';
import { NotificationBell } from '../notifications/NotificationBell';
import { SoundToggle } from '../notifications/SoundToggle';
import { useServices } from '../services';
import { connectionStatusLabels } from './connection-status-labels';
import { LanguageSwitch } from './LanguageSwitch';

export function Header() {
  const { t } = useI18n();
  const { session } = useServices();
  const { user } = useChat();
  const link = ({ isActive }: { isActive: boolean }) =>
    `rounded-md px-2.5 py-1.5 text-sm font-medium ${isActive ? 'bg-blue-50 text-blue-700 dark:bg-blue-950 dark:text-blue-300' : 'text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800'}`;
  return (
    <header className="flex shrink-0 flex-wrap items-center gap-x-3 gap-y-1 border-b border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
      <a href="#main" className="sr-only focus:not-sr-only">
        {t('app.skip')}
      </a>
      <span className="text-lg font-bold text-blue-600 dark:text-blue-400">{t('app.name')}</span>
      <nav aria-label="Main" className="flex items-center gap-1">
        <NavLink to="/chat" className={link}>
          {t('nav.chat')}
        </NavLink>
        {user.role === 'admin' && (
          <NavLink to="/admin" className={link}>
            {t('nav.admin')}
          </NavLink>
        )}
        <NavLink to="/settings" className={link}>
          {t('nav.settings')}
        </NavLink>
      </nav>
      <div className="ml-auto flex flex-wrap items-center justify-end gap-1 sm:gap-2">
        <ConnectionStatus
          className="flex items-center gap-1.5 whitespace-nowrap rounded-full bg-slate-100 px-2.5 py-1 text-xs font-medium text-slate-700 data-[status=connected]:bg-emerald-50 data-[status=connected]:text-emerald-700 data-[status=error]:bg-red-50 data-[status=error]:text-red-700 data-[status=reconnecting]:bg-amber-50 data-[status=reconnecting]:text-amber-800 dark:bg-slate-800 dark:text-slate-200 dark:data-[status=connected]:bg-emerald-950 dark:data-[status=connected]:text-emerald-300 [&_button]:ml-1 [&_button]:rounded [&_button]:bg-white [&_button]:px-1.5 [&_button]:py-0.5 [&_button]:ring-1 [&_button]:ring-slate-300 dark:[&_button]:bg-slate-700"
          labels={connectionStatusLabels(t)}
        />
        <NotificationBell />
        <SoundToggle />
        <DesktopToggle />
        <LanguageSwitch />
        <span className="hidden max-w-32 truncate text-sm text-slate-600 md:inline dark:text-slate-300" title={user.email}>
          {user.name}
        </span>
        <button type="button" className="btn-secondary" onClick={() => void session.logout()}>
          {t('nav.signOut')}
        </button>
      </div>
    </header>
  );
}
