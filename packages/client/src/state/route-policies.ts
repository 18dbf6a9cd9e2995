/**
 * Route policies: which pages need the real-time connection, and for what. A page's policy is
 * found by exact path, else by the longest matching path prefix (on a `/` boundary), else it is
 * disabled, so an unknown page never opens a socket by accident.
 */

/** Which connection a page wants. */
export type ConnectionType = 'chat' | 'admin' | 'none';

/** What a page needs from Herald. */
export interface RoutePolicy {
  /** Whether the page uses the connection at all. */
  enabled: boolean;
  /** Connect only for a signed-in user. */
  requireAuth: boolean;
  /** Acquire the connection while the page is shown. */
  autoConnect: boolean;
  connectionType: ConnectionType;
  /** Feature names the page uses (e.g. `messaging`, `typing`, `upload`); informative for the app. */
  features: string[];
}

/** Policies by path (`/chat` also covers `/chat/42`). */
export type RoutePolicies = Readonly<Record<string, RoutePolicy>>;

/** The policy of a page that is not in the table. */
export const DISABLED_POLICY: RoutePolicy = Object.freeze({
  enabled: false,
  requireAuth: false,
  autoConnect: false,
  connectionType: 'none',
  features: [],
}) as RoutePolicy;

/** Chat and admin pages connect (signed in); the login page never does. */
export const DEFAULT_POLICIES: RoutePolicies = {
  '/chat': { enabled: true, requireAuth: true, autoConnect: true, connectionType: 'chat', features: ['messaging', 'typing', 'upload'] },
  '/admin': {
    enabled: true,
    requireAuth: true,
    autoConnect: true,
    connectionType: 'admin',
    features: ['notifications', 'monitoring', 'stats'],
  },
  '/login': { enabled: false, requireAuth: false, autoConnect: false, connectionType: 'none', features: [] },
};

/** The policy for `path`: exact match, else the longest prefix match, else DISABLED_POLICY. */
export function resolvePolicy(policies: RoutePolicies, path: string): RoutePolicy {
  const clean = path.split(/[?#]/, 1)[0] ?? path;
  const exact = policies[clean];
  if (exact) return exact;
  let best: string | null = null;
  for (const prefix of Object.keys(policies)) {
    if (!isPrefix(prefix, clean)) continue;
    if (best === null || prefix.length > best.length) best = prefix;
  }
  return best === null ? DISABLED_POLICY : (policies[best] ?? DISABLED_POLICY);
}

/** Whether the connection should be held for this policy and sign-in state. */
export function wantsConnection(policy: RoutePolicy, signedIn: boolean): boolean {
  return policy.enabled && policy.autoConnect && policy.connectionType !== 'none' && (signedIn || !policy.requireAuth);
}

function isPrefix(prefix: string, path: string): boolean {
  if (prefix === '/' || prefix === '') return true;
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return path === base || path.startsWith(`${base}/`);
}
