/**
 * useNotifications: the system notifications received so far, the unread count and `markRead` —
 * a thin wrapper over the client's NotificationStore (kept started by HeraldProvider).
 */
import { notificationStoreFor } from '@herald/client/state';
import type { Notification } from '@herald/protocol';
import { useMemo } from 'react';
import { useExternalStore } from './useExternalStore.js';
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
  const snapshot = useExternalStore(store);
  return useMemo(() => ({ ...snapshot, markRead: store.markRead }), [snapshot, store]);
}
