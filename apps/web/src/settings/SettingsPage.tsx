/**
 * /settings, the signed-in user's account and security: their profile (name, avatar), where they are signed in (and signing
 * devices out), changing the password, and notifications (desktop, push on this device). The
 * session list is polled, and reloaded after any change here, so a device that signs in or out
 * elsewhere shows up within half a minute.
 */
import type { RestClient } from '@herald/protocol';
import { usePolled } from '../admin/usePolled';
import { useI18n } from '../i18n/useI18n';
import { ChangePasswordForm } from './ChangePasswordForm';
import { NotificationSettings } from './NotificationSettings';
import { ProfileSection } from './ProfileForm';
import { SessionsPanel } from './SessionsPanel';

const listSessions = (api: RestClient) => api.auth.sessions();
const POLL_MS = 30_000;

export function SettingsPage() {
  const { t } = useI18n();
  const { data, error, reload } = usePolled(listSessions, POLL_MS);
  return (
    <div className="h-full overflow-y-auto">
      <div className="mx-auto max-w-3xl space-y-4 p-4">
        <h1 className="text-xl font-semibold">{t('settings.title')}</h1>
        <ProfileSection />
        <SessionsPanel sessions={data?.sessions ?? null} error={error} onChanged={reload} />
        <ChangePasswordForm onChanged={reload} />
        <NotificationSettings />
      </div>
    </div>
  );
}
