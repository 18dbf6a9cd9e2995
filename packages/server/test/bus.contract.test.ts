/**
 * Bus contract: the same suite against every implementation (in-process, and real Redis), and the
 * Redis bus through a real outage (a dedicated redis-server killed and started again).
 */
import { randomUUID } from 'node:crypto';
import { REDIS_URL, RedisProcess, redisAvailable, redisServerAvailable } from '@herald/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../src/bus/bus.js';
import { MemoryBus } from '../src/bus/memory-bus.js';
import { RedisBus } from '../src/bus/redis-bus.js';

const hasRedis = await redisAvailable();

interface Backend {
  name: string;
  enabled: boolean;
  /** Two buses that share one medium (two nodes), or the same bus twice where there is only one process. */
  pair(): Promise<[Bus, Bus]>;
}

const backends: Backend[] = [
  {
    name: 'memory',
    enabled: true,
    async pair() {
      const bus = new MemoryBus();
      return [bus, bus];
    },
  },
  {
    name: 'redis',
    enabled: hasRedis,
    async pair() {
      const channel = `herald:test:${randomUUID()}`;
      return [await RedisBus.connect({ url: REDIS_URL, channel }), await RedisBus.connect({ url: REDIS_URL, channel })];
    },
  },
];

const event = (seq: number): BusMessage => ({
  type: 'conversation_event',
  conversationId: 'c',
  seq,
  memberIds: ['u'],
  frame: `{"seq":${seq}}`,
  publishedAt: Date.now(),
});

function collect(bus: Bus, count: number): { messages: BusMessage[]; done: Promise<BusMessage[]> } {
  const messages: BusMessage[] = [];
  let resolve!: (value: BusMessage[]) => void;
  const done = new Promise<BusMessage[]>((r) => {
    resolve = r;
  });
  bus.subscribe((message) => {
    messages.push(message);
    if (messages.length === count) resolve(messages);
  });
  return { messages, done };
}

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`bus contract: ${backend.name}`, () => {
    const open: Bus[] = [];
    afterEach(async () => {
      for (const bus of open.splice(0)) await bus.close();
    });

    it('delivers every message to every subscriber on every node, in publish order', async () => {
      const [a, b] = await backend.pair();
      open.push(a, b);
      const atA = collect(a, 200);
      const atB = collect(b, 200);
      for (let seq = 1; seq <= 200; seq++) await a.publish(event(seq));
      const expected = Array.from({ length: 200 }, (_, i) => i + 1);
      for (const received of [await atA.done, await atB.done]) {
        expect(received.map((m) => (m.type === 'conversation_event' ? m.seq : -1))).toEqual(expected);
      }
      expect(await atB.done).toEqual(
        Array.from({ length: 200 }, (_, i) => event(i + 1)).map((m) => ({ ...m, publishedAt: expect.any(Number) })),
      );
    });

    it('stops delivering after unsubscribe, and a throwing subscriber does not stop the others', async () => {
      const [a, b] = await backend.pair();
      open.push(a, b);
      const seen: number[] = [];
      const stop = b.subscribe((m) => m.type === 'conversation_event' && seen.push(m.seq));
      b.subscribe(() => {
        throw new Error('faulty subscriber');
      });
      const first = collect(b, 1);
      const both = collect(b, 2);
      await a.publish(event(1));
      await first.done; // delivery may be asynchronous (Redis): unsubscribe only once 1 has arrived
      stop();
      await a.publish(event(2));
      await both.done;
      expect(seen).toEqual([1]);
    });

    it("delivers a publish to its own node's subscribers before publish returns, and only once", async () => {
      const [a, b] = await backend.pair();
      open.push(a, b);
      const atA: number[] = [];
      a.subscribe((m) => m.type === 'conversation_event' && atA.push(m.seq));
      const atB = collect(b, 1);
      void a.publish(event(1));
      expect(atA).toEqual([1]); // at once, not after a round trip through the medium
      await atB.done;
      // The medium has carried 1 to every node; a later message from the other node is a barrier for 1's echo.
      const second = new Promise<void>((resolve) => a.subscribe((m) => m.type === 'conversation_event' && m.seq === 2 && resolve()));
      await b.publish(event(2));
      await second;
      expect(atA).toEqual([1, 2]);
      expect(a.status()).toEqual({ state: 'ok', queued: 0, dropped: 0 });
    });

    it('answers ping, and refuses to publish once closed', async () => {
      const [a, b] = await backend.pair();
      if (b !== a) open.push(b);
      await expect(a.ping()).resolves.toBeUndefined();
      await a.close();
      await expect(a.publish(event(1))).rejects.toThrow(/closed/);
      await expect(a.ping()).rejects.toThrow(/closed/);
    });
  });
}

/** Poll a bus's status (it has no event for going down; a Redis outage shows within a few ms). */
async function until(test: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const restored = (bus: Bus) => new Promise<void>((resolve) => bus.onRestored(resolve));

describe.skipIf(!(await redisServerAvailable()))('bus contract: redis through an outage (dedicated redis-server)', () => {
  const open: Bus[] = [];
  const processes: RedisProcess[] = [];
  afterEach(async () => {
    for (const bus of open.splice(0)) await bus.close();
    for (const redis of processes.splice(0)) await redis.stop();
  });

  it('keeps delivering locally while Redis is down, queues for other nodes in order, and sends the queue when it returns', async () => {
    const redis = await RedisProcess.start();
    processes.push(redis);
    const channel = `herald:test:${randomUUID()}`;
    // A waits 1.5 s after its return before sending its queue; B is back well within that.
    const a = await RedisBus.connect({ url: redis.url, channel, restoreGraceMs: 1500 });
    const b = await RedisBus.connect({ url: redis.url, channel });
    open.push(a, b);
    const atA = collect(a, 100);
    const atB = collect(b, 100);
    await redis.stop();
    await until(() => a.status().state === 'degraded' && b.status().state === 'degraded');
    expect(a.status().error).toBeTruthy();
    await expect(a.ping()).rejects.toThrow();
    for (let seq = 1; seq <= 100; seq++) await a.publish(event(seq)); // resolves at once: nothing waits for Redis
    await a.publish({ type: 'node_stats', stats: {} as never }); // stale by the time Redis returns: dropped
    expect(atA.messages).toHaveLength(101); // this node's own subscribers get everything, node_stats too
    expect(a.status()).toMatchObject({ state: 'degraded', queued: 100, dropped: 1 });
    expect(atB.messages).toHaveLength(0);

    const aBack = restored(a);
    const bBack = restored(b);
    await redis.start();
    await Promise.all([aBack, bBack]);
    const expected = Array.from({ length: 100 }, (_, i) => i + 1);
    expect((await atB.done).map((m) => (m.type === 'conversation_event' ? m.seq : -1))).toEqual(expected);
    await until(() => a.status().queued === 0);
    expect(a.status()).toMatchObject({ state: 'ok', queued: 0 });
    expect(atA.messages).toHaveLength(101); // its own queued messages did not come back to it a second time
  }, 30_000);

  it('connects while Redis is down (degraded), and joins when it returns', async () => {
    const redis = await RedisProcess.start();
    processes.push(redis);
    await redis.stop();
    const channel = `herald:test:${randomUUID()}`;
    const late = await RedisBus.connect({ url: redis.url, channel, startTimeoutMs: 200 });
    open.push(late);
    expect(late.status().state).toBe('degraded');
    const atLate = collect(late, 1);
    const back = restored(late);
    await redis.start();
    await back;
    const other = await RedisBus.connect({ url: redis.url, channel });
    open.push(other);
    await other.publish(event(7));
    expect(await atLate.done).toMatchObject([{ seq: 7 }]);
  }, 30_000);
});
