/**
 * useSession: who the client is connected as (from the server's `connected` frame), or null before
 * the first connection.
 */
import { useSyncExternalStore } from 'react';
import { type Session, sessionStoreFor } from './core/session-store.js';
import { useHeraldClient } from './useHeraldClient.js';

/** The signed-in user and connection id, or null. */
export function useSession(): Session {
  const store = sessionStoreFor(useHeraldClient());
  return useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
}
