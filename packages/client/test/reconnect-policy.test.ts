/**
 * The client never strands its user (issue 20), against the real server through a real TCP proxy:
 * - a server down past the attempt budget: the client keeps trying on its own and is back within
 *   3 s of the server's return, its queued messages delivered once, in order (real time; and a
 *   3-minute outage on a fake clock with real refused connections);
 * - a half-open socket (the proxy black-holes both directions of the open connection) under 20 msg/s
 *   of sends at the server's default rate limit: replaced within 10 s, no send refused, every message
 *   delivered once and in order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';
import { type Harness, Inbox, nodeClient, range, startHarness, waitForState } from './harness.js';

let h: Harness;
const cleanup: (() => void)[] = [];

beforeAll(async () => {
  // The server's defaults (rate limit 20 frames/s, burst 40; heartbeat 45 s): dead sockets must be
  // found by the client's own probes, not by a short heartbeat.
  h = await startHarness({ HERALD_RATE_PER_SECOND: '20', HERALD_RATE_BURST: '40' });
});

afterAll(async () => {
  for (const fn of cleanup) fn();
  await h.close();
});

/** The client's own defaults for what is under test (the harness makes other timings fast). */
const DEFAULTS = { reconnect: {}, heartbeatTimeoutMs: 10_000, connectTimeoutMs: 10_000, requestTimeoutMs: 10_000 };

describe('a client that never gives up (real server, real proxy)', () => {
  it('server down past the attempt budget: back within 3 s of its return, no click; queued messages delivered once', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const { client, errors } = nodeClient(h.proxy.wsUrl(), alice.accessToken, { ...DEFAULTS, reconnect: { maxAttempts: 4 } });
    cleanup.push(() => client.dispose());
    const statuses = new Set<string>();
    client.subscribe((state) => void statuses.add(state.status));
    await client.connect();

    await h.server.stop(); // 1001 to the client, then every connect is refused at once
    const sends = range(5).map((n) => client.sendMessage(conversationId, { text: `queued ${n}` }));
    const past = await waitForState(client, (s) => s.attemptLimitPassed, 30_000);
    expect(past).toMatchObject({ status: 'reconnecting', retryEveryMs: 2500 });
    await h.restart();
    const back = Date.now();
    await waitForState(client, (s) => s.status === 'connected', 5000);
    expect(Date.now() - back).toBeLessThan(3000);
    expect(statuses.has('error')).toBe(false);

    const acks = await Promise.all(sends);
    expect(acks.map((a) => a.seq)).toEqual(range(5));
    expect(acks.every((a) => !a.duplicate)).toBe(true);
    const page = await h.api.request<{ messages: { text: string }[] }>('GET', `/api/v1/conversations/${conversationId}/messages?limit=50`, {
      token: bob.accessToken,
    });
    const stored = page.body.messages.map((m) => m.text);
    expect(stored).toEqual(range(5).map((n) => `queued ${n}`));
    expect(errors.filter((e) => e.code !== 'unavailable' && e.code !== 'disconnected')).toEqual([]);
    client.dispose();
  }, 60_000);

  it('a 3-minute outage (fake clock, real refused connections): still trying at the end, connected at the first attempt after the return', async () => {
    const { alice } = await h.api.directPair();
    const clock = new FakeClock();
    const { client } = nodeClient(h.proxy.wsUrl(), alice.accessToken, { ...DEFAULTS, timers: clock, random: () => 0.5 });
    cleanup.push(() => client.dispose());
    await h.server.stop();
    client.connect().catch(() => undefined);
    const start = clock.now();
    let attempts = 0;
    while (clock.now() - start < 180_000) {
      const state = await waitForState(client, (s) => s.status === 'reconnecting' && s.reconnectAttempts > attempts);
      expect(state.status).toBe('reconnecting');
      attempts = state.reconnectAttempts;
      clock.advance((state.nextRetryAt ?? Number.NaN) - clock.now());
    }
    const last = await waitForState(client, (s) => s.status === 'reconnecting' && s.reconnectAttempts > attempts);
    expect(last).toMatchObject({ attemptLimitPassed: true, retryEveryMs: 2500 });
    expect(last.reconnectAttempts).toBeGreaterThan(100); // every 1.75 s of the 3 minutes
    await h.restart();
    const returned = clock.now();
    clock.advance((last.nextRetryAt ?? Number.NaN) - clock.now());
    await waitForState(client, (s) => s.status === 'connected', 5000);
    expect(clock.now() - returned).toBeLessThanOrEqual(2500);
    client.dispose();
  }, 60_000);

  it('a half-open socket under 20 msg/s: replaced within 10 s, no send refused, every message once and in order', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const { client, errors } = nodeClient(h.proxy.wsUrl(), alice.accessToken, DEFAULTS);
    cleanup.push(() => client.dispose());
    const reader = nodeClient(h.server.wsUrl, bob.accessToken).client; // straight to the server
    cleanup.push(() => reader.dispose());
    const inbox = new Inbox(reader, conversationId);
    await Promise.all([client.connect(), reader.connect()]);
    await reader.subscribeConversation(conversationId, { since: 0 });

    const total = 300; // 15 s at 20 msg/s
    const sends: Promise<unknown>[] = [];
    let stalledAt = 0;
    let replacedAfter = Number.NaN;
    const replaced = new Promise<void>((resolve) => {
      const stop = client.subscribe((state, previous) => {
        if (stalledAt && state.status === 'connected' && previous.status !== 'connected') {
          replacedAfter = Date.now() - stalledAt;
          stop();
          resolve();
        }
      });
    });
    await new Promise<void>((resolve) => {
      let n = 0;
      const tick = setInterval(() => {
        n++;
        sends.push(client.sendMessage(conversationId, { text: `m${n}` }));
        if (n === 60) {
          h.proxy.stallOpen(); // 3 s in: the open socket goes half-open, new connections work
          stalledAt = Date.now();
        }
        if (n === total) {
          clearInterval(tick);
          resolve();
        }
      }, 50);
    });
    await replaced;
    expect(replacedAfter).toBeLessThan(10_000);
    const settled = await Promise.allSettled(sends);
    expect(settled.filter((s) => s.status === 'rejected')).toEqual([]);
    await inbox.waitForCount(total, 30_000);
    expect(inbox.seqs).toEqual(range(total));
    expect(inbox.texts).toEqual(range(total).map((n) => `m${n}`));
    expect(errors.map((e) => e.code)).not.toContain('queue_full');
    h.proxy.restore();
    console.info(`half-open socket replaced after ${replacedAfter} ms under 20 msg/s`);
  }, 90_000);
});
