/**
 * CounterStore in Redis, shared by every node: one key per counter (under `prefix`), incremented
 * and given its expiry in one script, so concurrent nodes never lose a hit or leave a key without
 * expiry. While Redis cannot answer within `timeoutMs` (down, restarting), counting falls back to
 * this node's memory: limits keep holding per node and never block a request on Redis (the
 * cluster keeps serving through a Redis outage, as the bus does).
 */
import type { Logger } from 'pino';
import type { CounterStore, WindowCount } from './counter-store.js';
import { LimitRedis } from './limit-redis.js';
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
  private readonly redis: LimitRedis;
  private readonly fallback = new MemoryCounterStore();
  private readonly prefix: string;

  constructor(options: RedisCounterStoreOptions) {
    this.prefix = `${options.prefix}:`;
    this.redis = new LimitRedis(
      options.url,
      options.timeoutMs ?? 250,
      options.log,
      'Redis counters unavailable: limits count per node until Redis answers',
    );
  }

  async hit(key: string, windowMs: number, cost = 1): Promise<WindowCount> {
    try {
      await this.redis.started();
      const [count, ttl] = (await this.redis.client.eval(HIT, 1, this.prefix + key, String(windowMs), String(cost))) as [number, number];
      this.redis.answered();
      return { count: Number(count), resetInMs: Number(ttl) };
    } catch (error) {
      this.redis.degraded(error);
      return this.fallback.hitNow(key, windowMs, cost);
    }
  }

  async peek(key: string): Promise<WindowCount> {
    try {
      await this.redis.started();
      const [count, ttl] = await Promise.all([this.redis.client.get(this.prefix + key), this.redis.client.pttl(this.prefix + key)]);
      if (count === null || ttl < 0) return { count: 0, resetInMs: 0 };
      return { count: Number(count), resetInMs: ttl };
    } catch (error) {
      this.redis.degraded(error);
      return this.fallback.peek(key);
    }
  }

  async reset(key: string): Promise<void> {
    await this.fallback.reset(key);
    try {
      await this.redis.client.del(this.prefix + key);
    } catch (error) {
      this.redis.degraded(error);
    }
  }

  async close(): Promise<void> {
    await this.fallback.close();
    this.redis.client.disconnect();
  }
}
