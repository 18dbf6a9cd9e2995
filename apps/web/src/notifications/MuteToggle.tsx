/**
 * MuteToggle: mutes or unmutes one conversation's alerts for the signed-in user (saved per user in
 * NotificationPreferences). A muted conversation still alerts for a message that mentions me.
 */
import { useCallback, useSyncExternalStore } from 'react';
import { useI18n } from '../i18n/useI18n';
import { BellIcon } from '../layout/icons';
import { useServices } from '../services';

export function MuteToggle({ userId, conversationId }: { userId: string; conversationId: string }) {
  const { t } = useI18n();
  const { preferences } = useServices();
  const muted = useSyncExternalStore(
    preferences.subscribe,
    useCallback(() => preferences.isMuted(userId, conversationId), [preferences, userId, conversationId]),
  );
  const label = muted ? t('chat.mute.unmute') : t('chat.mute.mute');
  return (
    <button
      type="button"
      className={`btn-icon relative ${muted ? 'text-amber-600 dark:text-amber-400' : ''}`}
      aria-pressed={muted}
      aria-label={t('chat.mute.label')}
      title={`${label} — ${t('chat.mute.hint')}`}
      data-testid="mute-toggle"
      onClick={() => preferences.setMuted(userId, conversationId, !muted)}
    >
      <BellIcon />
      {muted && (
        <svg viewBox="0 0 24 24" className="pointer-events-none absolute h-5 w-5" aria-hidden="true" focusable="false">
          <path d="M3 3l18 18" stroke="currentColor" strokeWidth={2.2} strokeLinecap="round" />
        </svg>
      )}
    </button>
  );
}
