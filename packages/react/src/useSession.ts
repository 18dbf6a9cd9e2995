/**
 * useSession: who the client is connected as (from the server's `connected` frame), or null before
 * the first connection.
 */
import { type Session, sessionStoreFor } from '@herald/client/state';
import { useExternalStore } from './useExternalStore.js';
import { useHeraldClient } from './useHeraldClient.js';

/** The signed-in user and connection id, or null. */
export function useSession(): Session {
  const store = sessionStoreFor(useHeraldClient());
  return useExternalStore(store);
}
