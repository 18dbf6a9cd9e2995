/**
 * ConnectionSharing: what a HeraldClient needs to share one socket with the other tabs of its
 * origin and user (`@herald/client/shared` implements it with Web Locks and a BroadcastChannel).
 * The client stays the same in every tab (its own handlers, sequencers, stores, outbox); only the
 * socket it opens differs: the real one when its tab leads, a port to the leader otherwise.
 */
import type { WebSocketConstructor, WebSocketLike } from './environment.js';

/** `idle`: not competing (the client wants no connection); `follower`: another tab owns the socket. */
export type SharingRole = 'idle' | 'follower' | 'leader';

export interface ConnectionSharing {
  /** This tab's part now. */
  readonly role: SharingRole;
  /** The client wants a connection: compete for leadership. */
  join(): void;
  /** The client wants none (disconnect, a no-socket page): step aside; a leader hands over at once. */
  leave(): void;
  /** A socket for the current role: the real one (shared through the hub) when leading, a port to the leader otherwise. */
  open(url: string, Real: WebSocketConstructor): WebSocketLike;
  /** Called when the role or the leader changes or the leader's socket comes up (a waiting reconnect should try now). */
  subscribe(listener: () => void): () => void;
  /** Leave and release the channel (the client calls it from `dispose()`). */
  dispose(): void;
}
