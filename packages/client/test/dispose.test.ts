/**
 * dispose() leaves nothing behind: hundreds of connect/use/dispose cycles against the real server,
 * counting handlers, timers (through the injected timer wrapper), online/visibility listeners,
 * open TCP connections (through the proxy) and heap growth.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingTimers } from './counting-timers.js';
import { FakeOnline, FakeVisibility } from './fake-sources.js';
import { type Harness, nodeClient, startHarness, waitForState } from './harness.js';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h.close();
});

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}

describe('dispose', () => {
  it('handler registrations do not leak across on/off cycles', async () => {
    const { alice } = await h.api.directPair();
    const { client } = nodeClient(h.proxy.wsUrl(), alice.accessToken);
    for (let i = 0; i < 1000; i++) {
      const offs = [client.on('new_message', () => undefined), client.on('ack', () => undefined), client.onAny(() => undefined)];
      expect(client.handlerCount).toBe(3);
      for (const off of offs) off();
    }
    expect(client.handlerCount).toBe(0);
    client.dispose();
  });

  it('hundreds of connect/use/dispose cycles leave no timer, listener, socket or heap growth behind', async () => {
    const { alice, conversationId } = await h.api.directPair();
    const timers = new CountingTimers();
    const online = new FakeOnline();
    const visibility = new FakeVisibility();

    async function cycle(i: number): Promise<void> {
      const { client } = nodeClient(h.proxy.wsUrl(), alice.accessToken, { timers, online, visibility });
      client.on('new_message', () => undefined);
      client.onAny(() => undefined);
      client.subscribe(() => undefined);
      const release = client.acquire();
      await waitForState(client, (s) => s.status === 'connected');
      await client.subscribeConversation(conversationId);
      if (i % 10 === 0) await client.sendMessage(conversationId, { text: `cycle ${i}` });
      const pending = client.request('history', { conversationId, limit: 1 }).catch((e: unknown) => e);
      release();
      client.dispose();
      await pending;
      expect(client.handlerCount).toBe(0);
    }

    for (let i = 0; i < 30; i++) await cycle(i); // warm up JIT, pools and caches
    await h.proxy.waitUntilIdle();
    const baseline = heapUsed();
    for (let i = 30; i < 330; i++) await cycle(i);
    await h.proxy.waitUntilIdle();
    const growth = heapUsed() - baseline;

    expect(timers.pending).toBe(0);
    expect(online.listenerCount).toBe(0);
    expect(visibility.listenerCount).toBe(0);
    expect(h.proxy.openConnections).toBe(0);
    expect(h.proxy.totalConnections).toBeGreaterThanOrEqual(330);
    // 300 clients' worth of state would be far more; allow noise from the server sharing this heap.
    expect(growth).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);
});
