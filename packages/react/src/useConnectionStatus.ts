/**
 * useConnectionStatus: the client's connection state snapshot, re-rendering on every change.
 */
import type { ConnectionState } from '@herald/client';
import { useSyncExternalStore } from 'react';
import { useHeraldClient } from './useHeraldClient.js';

/** The current ConnectionState (status, attempts, error, next retry). */
export function useConnectionStatus(): ConnectionState {
  const client = useHeraldClient();
  return useSyncExternalStore(client.subscribe, client.getState, client.getState);
}
