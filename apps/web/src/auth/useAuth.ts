/** useAuth: the auth session's state (restoring / signed-out / signed-in and the user). */
import { useSyncExternalStore } from 'react';
import { useServices } from '../services';
import type { AuthState } from './auth-session';

export function useAuth(): AuthState {
  const { session } = useServices();
  return useSyncExternalStore(session.subscribe, session.getState);
}
