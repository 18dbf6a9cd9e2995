/**
 * usePresence: the presence of some users (queried on connect, then live) — a thin wrapper over
 * the shared PresenceStore of that set of users.
 */
import { presenceStoreFor } from '@herald/client/state';
import type { Presence } from '@herald/protocol';
import { useExternalStore } from './useExternalStore.js';
import { useHeraldClient } from './useHeraldClient.js';

/** userId → Presence for the users known so far. */
export function usePresence(userIds: readonly string[]): Readonly<Record<string, Presence>> {
  const client = useHeraldClient();
  const store = presenceStoreFor(client, userIds);
  return useExternalStore(store);
}
