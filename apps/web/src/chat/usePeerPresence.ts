/** usePeerPresence: presence of some peers as the app shows it: `unknown` while our own connection is down (presence-display.ts). */
import { useConnectionStatus, usePresence } from '@herald/react';
import { useMemo } from 'react';
import { useI18n } from '../i18n/useI18n';
import { type PeerPresence, peerPresence } from './presence-display';

export function usePeerPresence(userIds: readonly string[]): (userId: string) => PeerPresence {
  const presence = usePresence(userIds);
  const { status, lastDisconnected } = useConnectionStatus();
  return useMemo(() => {
    const connection = { status, lastDisconnected };
    return (userId: string) => peerPresence(presence[userId], connection);
  }, [presence, status, lastDisconnected]);
}

/** Words for a PeerPresence: "online", "offline", "status unknown · last seen 14:05". */
export function usePresenceLabel(): (presence: PeerPresence) => string {
  const { t, locale } = useI18n();
  return useMemo(() => {
    const time = (at: number) => {
      const sameDay = new Date(at).toDateString() === new Date().toDateString();
      const options: Intl.DateTimeFormatOptions = sameDay
        ? { hour: '2-digit', minute: '2-digit' }
        : { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
      return new Intl.DateTimeFormat(locale, options).format(at);
    };
    return ({ kind, lastSeenAt }: PeerPresence) => {
      if (kind === 'online') return t('chat.online');
      if (kind === 'unknown')
        return lastSeenAt === null ? t('chat.presenceUnknown') : t('chat.presenceUnknownSince', { time: time(lastSeenAt) });
      return lastSeenAt === null ? t('chat.offline') : `${t('chat.offline')} · ${t('chat.lastSeen', { time: time(lastSeenAt) })}`;
    };
  }, [t, locale]);
}
