/**
 * HeraldProvider: makes one HeraldClient (made by the app with `createClient`) and the route policy
 * table available to every Herald hook. It keeps the client's session and notification stores
 * started for its whole lifetime (so the first `connected` frame and replayed notifications are
 * never missed); it never connects by itself — pages do, through `usePageConnection`.
 */
import type { HeraldClient } from '@herald/client';
import { DEFAULT_POLICIES, notificationStoreFor, type RoutePolicies, sessionStoreFor } from '@herald/client/state';
import { createContext, type ReactNode, useEffect, useMemo } from 'react';

export interface HeraldContextValue {
  client: HeraldClient;
  policies: RoutePolicies;
}

export const HeraldContext = createContext<HeraldContextValue | null>(null);

export interface HeraldProviderProps {
  client: HeraldClient;
  /** Route policy table (default DEFAULT_POLICIES). */
  policies?: RoutePolicies;
  children?: ReactNode;
}

const keepAlive = () => undefined;

/** Provides `client` and `policies` to the Herald hooks below it. */
export function HeraldProvider({ client, policies = DEFAULT_POLICIES, children }: HeraldProviderProps) {
  useEffect(() => {
    const stops = [sessionStoreFor(client).subscribe(keepAlive), notificationStoreFor(client).subscribe(keepAlive)];
    return () => {
      for (const stop of stops) stop();
    };
  }, [client]);
  const value = useMemo(() => ({ client, policies }), [client, policies]);
  return <HeraldContext.Provider value={value}>{children}</HeraldContext.Provider>;
}
