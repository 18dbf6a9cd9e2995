/**
 * SocketLeases: which sockets each account holds open, so the per-account socket cap
 * (HERALD_USER_SOCKETS, limit `user_sockets`) can refuse one more. `MemorySocketLeases` counts this
 * node's sockets (the cap holds per node); `RedisSocketLeases` (redis-socket-leases.ts) counts every
 * node's, so the cap holds across the cluster.
 * Invariants: `acquire` is atomic per account (two authenticates racing for the last slot: one wins);
 * acquiring an id already held succeeds without taking a second slot; `release` is idempotent and
 * never throws.
 */

export interface SocketLeases {
  /** `node`: the cap counts this node's sockets only; `cluster`: every node's (through Redis). */
  readonly scope: 'node' | 'cluster';
  /** Take a slot among `userId`'s sockets for `connectionId`; false (nothing taken) when `limit` are held. */
  acquire(userId: string, connectionId: string, limit: number): Promise<boolean>;
  /** The socket is gone: its slot is free again. */
  release(userId: string, connectionId: string): void;
  close(): Promise<void>;
}

/** This node's sockets by account: exact for one node, and the Redis store's own record of what it holds. */
export class MemorySocketLeases implements SocketLeases {
  readonly scope: 'node' | 'cluster' = 'node';
  private readonly byUser = new Map<string, Set<string>>();

  /** Synchronous `acquire` (the Redis store's fallback while Redis is down). */
  tryAcquire(userId: string, connectionId: string, limit: number): boolean {
    let held = this.byUser.get(userId);
    if (held?.has(connectionId)) return true;
    if ((held?.size ?? 0) >= limit) return false;
    if (!held) {
      held = new Set();
      this.byUser.set(userId, held);
    }
    held.add(connectionId);
    return true;
  }

  /** Record a slot whatever the count (a slot the cluster already granted). */
  hold(userId: string, connectionId: string): void {
    let held = this.byUser.get(userId);
    if (!held) {
      held = new Set();
      this.byUser.set(userId, held);
    }
    held.add(connectionId);
  }

  async acquire(userId: string, connectionId: string, limit: number): Promise<boolean> {
    return this.tryAcquire(userId, connectionId, limit);
  }

  /** True when the slot was held (and is now free). */
  release(userId: string, connectionId: string): boolean {
    const held = this.byUser.get(userId);
    if (!held?.delete(connectionId)) return false;
    if (held.size === 0) this.byUser.delete(userId);
    return true;
  }

  /** Every held slot, by account (read-only; the Redis store renews them). */
  entries(): IterableIterator<[string, ReadonlySet<string>]> {
    return this.byUser.entries();
  }

  async close(): Promise<void> {
    this.byUser.clear();
  }
}
