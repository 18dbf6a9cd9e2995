/**
 * PresenceWatchers: which of this node's connections watch which users' presence
 * (`presence_subscribe` / `presence_unsubscribe`), and the batching of what they are told: at the
 * end of a presence tick, each connection gets one `presence_batch` frame carrying every watched
 * user that changed in that tick.
 * Invariants: both indexes always agree and hold no empty sets; a closed connection watches
 * nothing (`drop`, on the session's removal); a connection watches at most PRESENCE_WATCH_MAX users
 * (`too_big` past it, and then nothing of that request is added).
 */
import { ErrorCode, encodeFrame, HeraldError, PRESENCE_WATCH_MAX, type Presence } from '@herald/protocol';
import { serverFrameId } from '../gateway/server-frame.js';

/** The part of a connection a watcher needs. */
export interface PresenceRecipient {
  sendText(text: string): void;
}

export class PresenceWatchers<C extends PresenceRecipient = PresenceRecipient> {
  private readonly byUser = new Map<string, Set<C>>();
  private readonly byConnection = new Map<C, Set<string>>();

  /** Watch `userIds` (already filtered to what the connection may see); returns how many it watches now. */
  watch(connection: C, userIds: readonly string[]): number {
    const watched = this.byConnection.get(connection);
    let adding = 0;
    for (const userId of userIds) if (!watched?.has(userId)) adding++;
    const total = (watched?.size ?? 0) + adding;
    if (total > PRESENCE_WATCH_MAX) {
      throw new HeraldError(ErrorCode.TooBig, `a connection may watch at most ${PRESENCE_WATCH_MAX} users' presence`, {
        limit: PRESENCE_WATCH_MAX,
        watching: watched?.size ?? 0,
      });
    }
    if (adding === 0) return total;
    let set = watched;
    if (!set) {
      set = new Set();
      this.byConnection.set(connection, set);
    }
    for (const userId of userIds) {
      set.add(userId);
      let watchers = this.byUser.get(userId);
      if (!watchers) {
        watchers = new Set();
        this.byUser.set(userId, watchers);
      }
      watchers.add(connection);
    }
    return set.size;
  }

  /** Stop watching `userIds`; returns how many the connection still watches. */
  unwatch(connection: C, userIds: readonly string[]): number {
    const watched = this.byConnection.get(connection);
    if (!watched) return 0;
    for (const userId of userIds) {
      if (!watched.delete(userId)) continue;
      const watchers = this.byUser.get(userId);
      if (watchers?.delete(connection) && watchers.size === 0) this.byUser.delete(userId);
    }
    if (watched.size === 0) this.byConnection.delete(connection);
    return watched.size;
  }

  /** The connection closed. */
  drop(connection: C): void {
    const watched = this.byConnection.get(connection);
    if (watched) this.unwatch(connection, [...watched]);
  }

  watches(connection: C, userId: string): boolean {
    return this.byConnection.get(connection)?.has(userId) ?? false;
  }

  /** Users watched by at least one connection of this node. */
  get watchedUsers(): number {
    return this.byUser.size;
  }

  /** One `presence_batch` to each connection watching any of these users, carrying those it watches. */
  tell(changes: ReadonlyMap<string, Presence>): void {
    const batches = new Map<C, Presence[]>();
    for (const [userId, presence] of changes) {
      const watchers = this.byUser.get(userId);
      if (!watchers) continue;
      for (const connection of watchers) {
        const batch = batches.get(connection);
        if (batch) batch.push(presence);
        else batches.set(connection, [presence]);
      }
    }
    const timestamp = Date.now();
    for (const [connection, presence] of batches) {
      connection.sendText(encodeFrame({ id: serverFrameId(), type: 'presence', action: 'presence_batch', data: { presence }, timestamp }));
    }
  }
}
