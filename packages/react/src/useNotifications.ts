/**
 * useNotifications: the system notifications received so far, the unread count and `markRead` —
 * a thin wrapper over the client's NotificationStore (kept started by HeraldProvider).
 */
import type { Notification } from '@herald/protocol';
import { useMemo, useSyncExternalStore } from 'react';
import { notificationStoreFor } from './core/notification-store.js';
import { useHeraldClient } from './useHeraldClient.js';

export interface UseNotifications {
  /** Newest first. */
  notifications: Notification[];
  unreadCount: number;
  markRead(ids: readonly string[] | 'all'): Promise<void>;
}

/** System notifications with their unread count. */
export function useNotifications(): UseNotifications {
  const store = notificationStoreFor(useHeraldClient());
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  return useMemo(() => ({ ...snapshot, markRead: store.markRead }), [snapshot, store]);
}
