/**
 * CounterStore contract: the same suite against every implementation (this node's memory, and
 * real Redis shared by two stores as by two nodes), and the Redis store falling back to local
 * counting when Redis cannot be reached.
 */
import { randomUUID } from 'node:crypto';
import { REDIS_URL, redisAvailable } from '@herald/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { CounterStore } from '../src/limits/counter-store.js';
import { MemoryCounterStore } from '../src/limits/memory-counter-store.js';
import { RedisCounterStore } from '../src/limits/redis-counter-store.js';

const hasRedis = await redisAvailable();

const opened: CounterStore[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((store) => store.close()));
});

const backends: { name: string; enabled: boolean; pair(): [CounterStore, CounterStore] }[] = [
  {
    name: 'memory',
    enabled: true,
    pair() {
      const store = new MemoryCounterStore();
      opened.push(store);
      return [store, store];
    },
  },
  {
    name: 'redis',
    enabled: hasRedis,
    pair() {
      const prefix = `herald:test:${randomUUID()}`;
      const stores: [CounterStore, CounterStore] = [
        new RedisCounterStore({ url: REDIS_URL, prefix, timeoutMs: 2_000 }),
        new RedisCounterStore({ url: REDIS_URL, prefix, timeoutMs: 2_000 }),
      ];
      opened.push(...stores);
      return stores;
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`CounterStore contract: ${backend.name}`, () => {
    it('counts hits of one key from both stores in one window, with its time left', async () => {
      const [a, b] = backend.pair();
      expect(await a.hit('k', 60_000)).toMatchObject({ count: 1 });
      expect(await b.hit('k', 60_000)).toMatchObject({ count: 2 });
      const third = await a.hit('k', 60_000, 3);
      expect(third.count).toBe(5);
      expect(third.resetInMs).toBeGreaterThan(50_000);
      expect(third.resetInMs).toBeLessThanOrEqual(60_000);
      expect(await b.peek('k')).toMatchObject({ count: 5 });
      expect(await b.hit('other', 60_000)).toMatchObject({ count: 1 });
    });

    it('starts a new window when the last one ended, and on reset', async () => {
      const [a, b] = backend.pair();
      await a.hit('short', 60);
      await a.hit('short', 60);
      await expect.poll(async () => (await b.peek('short')).count, { timeout: 2_000, interval: 20 }).toBe(0);
      expect(await b.hit('short', 60_000)).toMatchObject({ count: 1 });
      await a.reset('short');
      expect(await b.peek('short')).toEqual({ count: 0, resetInMs: 0 });
    });

    it('loses no hit when many land at once', async () => {
      const [a, b] = backend.pair();
      await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).hit('burst', 60_000)));
      expect((await a.peek('burst')).count).toBe(200);
    });
  });
}

describe('RedisCounterStore without Redis', () => {
  it('counts on this node instead of failing or waiting', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    const store = new RedisCounterStore({ url: 'redis://127.0.0.1:9', prefix: 'herald:test:down', timeoutMs: 100 });
    opened.push(store);
    const started = Date.now();
    expect(await store.hit('k', 60_000)).toMatchObject({ count: 1 });
    expect(await store.hit('k', 60_000)).toMatchObject({ count: 2 });
    expect(await store.peek('k')).toMatchObject({ count: 2 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
