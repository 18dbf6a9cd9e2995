/**
 * Bus contract: the same suite against every implementation (in-process, and real Redis).
 */
import { randomUUID } from 'node:crypto';
import { REDIS_URL, redisAvailable } from '@herald/testkit';
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
