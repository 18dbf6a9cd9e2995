/**
 * What the app says about a peer's presence. Presence is live only while OUR connection is: when
 * it is down, nobody's `online` can be trusted, so a peer shows `unknown` with when they were last
 * seen (for a peer we saw online until then, that is when our connection dropped). Reconnected,
 * the presence store asks again and the live state shows.
 */
import type { ConnectionState } from '@herald/client';
import type { Presence } from '@herald/protocol';

export type PresenceKind = 'online' | 'offline' | 'unknown';

export interface PeerPresence {
  kind: PresenceKind;
  /** Last time the peer was known to be connected (ms epoch), or null. */
  lastSeenAt: number | null;
}

/** A peer's presence as shown, given what the store knows and our connection. */
export function peerPresence(
  presence: Presence | undefined,
  connection: Pick<ConnectionState, 'status' | 'lastDisconnected'>,
): PeerPresence {
  if (connection.status !== 'connected') {
    const lastSeenAt = presence?.online ? connection.lastDisconnected : (presence?.lastSeenAt ?? null);
    return { kind: 'unknown', lastSeenAt };
  }
  if (presence?.online) return { kind: 'online', lastSeenAt: null };
  return { kind: 'offline', lastSeenAt: presence?.lastSeenAt ?? null };
}
