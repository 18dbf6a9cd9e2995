/**
 * UserRates: the per-account frame rate (HERALD_USER_RATE_PER_SECOND / _BURST, limit `user_rate`):
 * one token bucket per account on this node, shared by all of that account's sockets here, so
 * opening more sockets buys no more throughput. It sits behind each connection's own bucket (which
 * is never larger, config.ts sees to it), so one socket alone never meets it.
 * Invariants: per node (an account's sockets on two nodes each draw on that node's bucket; the
 * socket cap bounds how far that goes); a bucket is dropped only once it would be full again, so
 * closing and reopening sockets never refills it early; nothing per idle account after the sweep.
 */
import { TokenBucket } from '../util/token-bucket.js';

interface Entry {
  bucket: TokenBucket;
  usedAt: number;
}

export class UserRates {
  private readonly buckets = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;
  /** How long an unused bucket takes to refill completely: after that it is as good as new. */
  private readonly refillMs: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.refillMs = Math.ceil((burst / ratePerSecond) * 1000);
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Take one frame's token from `userId`'s bucket: 0 when taken, else the ms until one is available. */
  take(userId: string): number {
    const now = this.now();
    let entry = this.buckets.get(userId);
    if (!entry) {
      entry = { bucket: new TokenBucket(this.ratePerSecond, this.burst, this.now), usedAt: now };
      this.buckets.set(userId, entry);
    }
    entry.usedAt = now;
    if (entry.bucket.take()) return 0;
    return Math.max(1, entry.bucket.msUntilNext());
  }

  /** Accounts with a bucket that is not yet full again (for tests and stats). */
  get size(): number {
    return this.buckets.size;
  }

  /** Drop the buckets that have refilled since their last use. */
  sweep(): void {
    const full = this.now() - this.refillMs;
    for (const [userId, entry] of this.buckets) if (entry.usedAt <= full) this.buckets.delete(userId);
  }

  close(): void {
    clearInterval(this.sweeper);
    this.buckets.clear();
  }
}
