/**
 * RedisSocketLeases: the per-account socket cap across every node. One sorted set per account
 * (`<prefix>:<userId>`) holds its live connection ids, each scored with its lease's expiry (Redis's
 * own clock, so nodes' clocks never disagree about it). Each node renews the leases of its own sockets
 * every `leaseMs / 3`, so a crashed node's sockets stop counting within `leaseMs` of its last renewal;
 * a closed socket's lease is removed at once.
 * While Redis cannot answer within `timeoutMs`, the cap counts this node's sockets only (the cluster
 * keeps serving, as with the bus and the limit counters); the next renewal after Redis returns puts
 * every socket of this node back in the shared sets.
 * Invariants: the check and the insert are one script (no two nodes both take the last slot); a
 * renewal re-adds a lease Redis lost (restart), even past the cap: the socket exists, and counting
 * it is what keeps the next one out.
 */
import type { Logger } from 'pino';
import { LimitRedis } from '../limits/limit-redis.js';
import { MemorySocketLeases, type SocketLeases } from './socket-leases.js';

/** Redis's time in ms (`TIME` is allowed in scripts: Redis replicates their effects, not the script). */
const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** KEYS[1] the account's set; ARGV: connection id, limit, lease ms. 1 when taken, 0 when full. */
const ACQUIRE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) and redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  return 0
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS[1] the account's set; ARGV: lease ms, then the connection ids whose leases to extend. */
const RENEW = `${NOW}
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
`;

export interface RedisSocketLeasesOptions {
  url: string;
  /** Key prefix; Herald uses `<bus channel>:sockets`. */
  prefix: string;
  /** How long a lease lasts without renewal (default 30 s): how long a crashed node's sockets keep counting. */
  leaseMs?: number | undefined;
  /** How often this node renews its leases (default `leaseMs / 3`). */
  renewEveryMs?: number | undefined;
  /** Longest wait for Redis before counting this node's sockets instead (default 250 ms). */
  timeoutMs?: number | undefined;
  log?: Logger | undefined;
}

export class RedisSocketLeases implements SocketLeases {
  readonly scope: 'node' | 'cluster' = 'cluster';
  private readonly limitRedis: LimitRedis;
  private readonly redis: LimitRedis['client'];
  /** This node's sockets: what it renews, and the count it falls back on. */
  private readonly local = new MemorySocketLeases();
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly renewer: NodeJS.Timeout;

  constructor(options: RedisSocketLeasesOptions) {
    this.prefix = `${options.prefix}:`;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.limitRedis = new LimitRedis(
      options.url,
      options.timeoutMs ?? 250,
      options.log,
      'Redis socket leases unavailable: the per-account socket cap counts per node until Redis answers',
    );
    this.redis = this.limitRedis.client;
    this.renewer = setInterval(() => void this.renew(), options.renewEveryMs ?? Math.max(50, Math.floor(this.leaseMs / 3)));
    this.renewer.unref();
  }

  async acquire(userId: string, connectionId: string, limit: number): Promise<boolean> {
    try {
      await this.limitRedis.started();
      const taken = await this.redis.eval(ACQUIRE, 1, this.prefix + userId, connectionId, String(limit), String(this.leaseMs));
      this.limitRedis.answered();
      if (Number(taken) !== 1) return false;
      this.local.hold(userId, connectionId);
      return true;
    } catch (error) {
      this.limitRedis.degraded(error);
      return this.local.tryAcquire(userId, connectionId, limit);
    }
  }

  release(userId: string, connectionId: string): void {
    if (!this.local.release(userId, connectionId)) return;
    // A lost ZREM only leaves the lease to expire.
    this.redis.zrem(this.prefix + userId, connectionId).catch((error: unknown) => this.limitRedis.degraded(error));
  }

  /** Extend every lease this node holds (and put back any Redis lost). */
  async renew(): Promise<void> {
    if (this.redis.status !== 'ready') return;
    const pipeline = this.redis.pipeline();
    let queued = 0;
    for (const [userId, ids] of this.local.entries()) {
      pipeline.eval(RENEW, 1, this.prefix + userId, String(this.leaseMs), ...ids);
      queued++;
    }
    if (queued === 0) return;
    try {
      await pipeline.exec();
    } catch (error) {
      this.limitRedis.degraded(error);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.renewer);
    // Leases still held (sockets not closed through the gateway) are dropped now rather than left to expire.
    const pipeline = this.redis.pipeline();
    for (const [userId, ids] of this.local.entries()) pipeline.zrem(this.prefix + userId, ...ids);
    await this.local.close();
    try {
      if (this.redis.status === 'ready') await pipeline.exec();
      await this.redis.quit();
    } catch {
      this.redis.disconnect();
    }
  }
}
