/**
 * CounterStore in Redis, shared by every node: one key per counter (under `prefix`), incremented
 * and given its expiry in one script, so concurrent nodes never lose a hit or leave a key without
 * expiry. While Redis cannot answer within `timeoutMs` (down, restarting), counting falls back to
 * this node's memory: limits keep holding per node and never block a request on Redis (the
 * cluster keeps serving through a Redis outage, as the bus does).
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CounterStore, WindowCount } from './counter-store.js';
import { MemoryCounterStore } from './memory-counter-store.js';

const HIT = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

export interface RedisCounterStoreOptions {
  url: string;
  /** Key prefix; deployments sharing one Redis use different ones (Herald uses its bus channel). */
  prefix: string;
  log?: Logger | undefined;
  /** Longest wait for Redis before a hit is counted locally instead (default 250 ms). */
  timeoutMs?: number | undefined;
}

export class RedisCounterStore implements CounterStore {
  readonly kind = 'redis';
  private readonly redis: Redis;
  private readonly fallback = new MemoryCounterStore();
  private readonly prefix: string;
  private readonly log: Logger | undefined;
  private warned = false;
  /** Until Redis was first ready (the node is starting), a hit waits for it up to the timeout rather than counting locally. */
  private readonly firstReady: Promise<void>;
  private readonly timeoutMs: number;

  constructor(options: RedisCounterStoreOptions) {
    this.prefix = `${options.prefix}:`;
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? 250;
    this.redis = new Redis(options.url, {
      lazyConnect: false,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.timeoutMs ?? 250,
      retryStrategy: (times) => Math.min(times * 100, 500),
    });
    // Errors surface through the commands (and the fallback); without a listener ioredis would log each one.
    this.redis.on('error', () => {});
    this.firstReady = new Promise((resolve) => this.redis.once('ready', () => resolve()));
  }

  /** Resolves once Redis can take commands, or after the timeout; at once after the first ready (an outage falls back without waiting). */
  private async started(): Promise<void> {
    if (this.redis.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.timeoutMs);
    });
    await Promise.race([this.firstReady, timeout]);
    clearTimeout(timer);
  }

  async hit(key: string, windowMs: number, cost = 1): Promise<WindowCount> {
    try {
      await this.started();
      const [count, ttl] = (await this.redis.eval(HIT, 1, this.prefix + key, String(windowMs), String(cost))) as [number, number];
      this.warned = false;
      return { count: Number(count), resetInMs: Number(ttl) };
    } catch (error) {
      this.degraded(error);
      return this.fallback.hitNow(key, windowMs, cost);
    }
  }

  async peek(key: string): Promise<WindowCount> {
    try {
      await this.started();
      const [count, ttl] = await Promise.all([this.redis.get(this.prefix + key), this.redis.pttl(this.prefix + key)]);
      if (count === null || ttl < 0) return { count: 0, resetInMs: 0 };
      return { count: Number(count), resetInMs: ttl };
    } catch (error) {
      this.degraded(error);
      return this.fallback.peek(key);
    }
  }

  async reset(key: string): Promise<void> {
    await this.fallback.reset(key);
    try {
      await this.redis.del(this.prefix + key);
    } catch (error) {
      this.degraded(error);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
    this.redis.disconnect();
  }

  private degraded(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log?.warn({ err: error }, 'Redis counters unavailable: limits count per node until Redis answers');
  }
}
