/**
 * usePageConnection: applies a page's route policy. While the page wants the connection (enabled,
 * auto-connect, and signed in unless the page needs no sign-in) it holds one `acquire()` of the
 * shared connection; leaving the page releases it, and the SDK's grace period keeps the socket
 * across a route change to another connected page. Pages that do not want it hold nothing.
 */
import { type RoutePolicy, resolvePolicy, wantsConnection } from '@herald/client/state';
import { useEffect, useMemo } from 'react';
import { useHeraldContext } from './useHeraldClient.js';

export interface PageConnection {
  policy: RoutePolicy;
  /** Whether this page holds the connection. */
  active: boolean;
}

/** Hold the shared connection while the page at `path` wants it. */
export function usePageConnection(path: string, signedIn: boolean): PageConnection {
  const { client, policies } = useHeraldContext();
  const policy = useMemo(() => resolvePolicy(policies, path), [policies, path]);
  const active = wantsConnection(policy, signedIn);
  useEffect(() => (active ? client.acquire() : undefined), [client, active]);
  return useMemo(() => ({ policy, active }), [policy, active]);
}
