/**
 * Reconnection against the real server through a real TCP proxy: server restart, backoff timing
 * (fake clock, real failing sockets), half-open connections found by the heartbeat, and auth refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountingTimers } from './counting-timers.js';
import { FakeClock, sequence } from './fake-clock.js';
import { type Harness, Inbox, nodeClient, range, startHarness, waitForState } from './harness.js';

let h: Harness;
const cleanup: (() => void)[] = [];

beforeAll(async () => {
  // The server advertises a 300 ms heartbeat, so clients find a dead path within a second.
  h = await startHarness({ HERALD_HEARTBEAT_INTERVAL_MS: '300' });
});

afterAll(async () => {
  for (const fn of cleanup) fn();
  await h.close();
});

describe('reconnect (real server, real proxy)', () => {
  it('comes back after a server restart and resumes the subscription with no gap and no repeat', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const { client } = nodeClient(h.proxy.wsUrl(), alice.accessToken);
    cleanup.push(() => client.dispose());
    const inbox = new Inbox(client, conversationId);
    await client.connect();
    await client.subscribeConversation(conversationId, { since: 0 });
    for (const n of range(3)) await h.api.sendText(bob.accessToken, conversationId, `before ${n}`);
    await inbox.waitForCount(3);
    const connectionsBefore = h.proxy.totalConnections;

    const lost = waitForState(client, (s) => s.status === 'reconnecting');
    await h.restart();
    const state = await lost;
    expect(state.error?.message).toMatch(/1001|1006/);
    // Sent while the client may still be reconnecting: the resume must pick these up.
    for (const n of range(3)) await h.api.sendText(bob.accessToken, conversationId, `after ${n}`);
    await waitForState(client, (s) => s.status === 'connected');
    await inbox.waitForCount(6);
    expect(inbox.seqs).toEqual(range(6));
    expect(inbox.texts).toEqual(['before 1', 'before 2', 'before 3', 'after 1', 'after 2', 'after 3']);
    expect(h.proxy.totalConnections).toBeGreaterThan(connectionsBefore);
    expect(client.getState().reconnectAttempts).toBe(0);
    client.dispose();
  });

  it('spaces attempts with capped, jittered exponential backoff (fake clock, real refused connections)', async () => {
    const { alice } = await h.api.directPair();
    const clock = new FakeClock();
    const { client } = nodeClient(h.proxy.wsUrl(), alice.accessToken, {
      timers: clock,
      random: sequence(0.5, 0.999, 0.25, 0.999, 0.5, 0.75),
      // fastFailMs 0: refused connects follow the backoff too (reconnect-policy.test.ts covers the fast cadence).
      reconnect: { baseDelayMs: 1000, factor: 2, maxDelayMs: 5000, maxAttempts: 10, fastFailMs: 0 },
    });
    cleanup.push(() => client.dispose());
    await h.server.stop(); // the proxy now accepts and immediately drops: a real refused path
    const before = h.proxy.totalConnections;
    client.connect().catch(() => undefined);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const state = await waitForState(client, (s) => s.status === 'reconnecting' && s.reconnectAttempts === attempt);
      expect(h.proxy.totalConnections - before).toBe(attempt);
      delays.push((state.nextRetryAt ?? Number.NaN) - clock.now());
      clock.advance(delays.at(-1) ?? 0);
    }
    // Ceilings 1000, 2000, 4000, 5000 (capped), 5000, 5000 times the injected random values.
    expect(delays).toEqual([500, 1998, 1000, 4995, 2500, 3750]);
    const seventh = await waitForState(client, (s) => s.reconnectAttempts === 7);
    expect(h.proxy.totalConnections - before).toBe(7);
    await h.restart();
    clock.advance((seventh.nextRetryAt ?? 0) - clock.now());
    await waitForState(client, (s) => s.status === 'connected');
    expect(client.getState().reconnectAttempts).toBe(0);
    client.dispose();
  });

  it('finds a stalled (half-open) connection with the heartbeat and replaces it, losing nothing', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const { client } = nodeClient(h.proxy.wsUrl(), alice.accessToken, { heartbeatTimeoutMs: 400, connectTimeoutMs: 1000 });
    cleanup.push(() => client.dispose());
    const inbox = new Inbox(client, conversationId);
    await client.connect();
    await client.subscribeConversation(conversationId, { since: 0 });
    await h.api.sendText(bob.accessToken, conversationId, 'one');
    await inbox.waitForCount(1);
    const connections = h.proxy.totalConnections;

    h.proxy.stall();
    await h.api.sendText(bob.accessToken, conversationId, 'sent into the black hole');
    // No close ever arrives on a stalled path: only the heartbeat can notice (300 ms + 400 ms).
    const lost = await waitForState(client, (s) => s.status === 'reconnecting', 5000);
    expect(lost.error?.code).toBe('timeout');
    expect(inbox.seqs).toEqual([1]);
    h.proxy.restore();
    await waitForState(client, (s) => s.status === 'connected', 10_000);
    await h.api.sendText(bob.accessToken, conversationId, 'three');
    await inbox.waitForCount(3);
    expect(inbox.texts).toEqual(['one', 'sent into the black hole', 'three']);
    expect(h.proxy.totalConnections).toBeGreaterThan(connections);
    client.dispose();
  });

  it('an auth refusal (4001) triggers exactly one credential refresh and no retry storm', async () => {
    const timers = new CountingTimers();
    const calls: boolean[] = [];
    const { client } = nodeClient(h.proxy.wsUrl(), '', {
      timers,
      credentials: ({ refresh }) => {
        calls.push(refresh);
        return refresh ? 'still-not-a-valid-token' : 'not-a-valid-token';
      },
    });
    cleanup.push(() => client.dispose());
    const before = h.proxy.totalConnections;
    await expect(client.connect()).rejects.toMatchObject({ code: 'unauthorized' });
    expect(calls).toEqual([false, true]);
    expect(client.getState()).toMatchObject({ status: 'error', error: { code: 'unauthorized' } });
    expect(h.proxy.totalConnections - before).toBe(2);
    // Nothing is scheduled, so nothing more can happen: no timer, no socket.
    expect(timers.pending).toBe(0);
    client.dispose();
  });

  it('an auth refusal followed by a good refreshed token connects', async () => {
    const { alice } = await h.api.directPair();
    const calls: boolean[] = [];
    const { client } = nodeClient(h.proxy.wsUrl(), '', {
      credentials: ({ refresh }) => {
        calls.push(refresh);
        return refresh ? alice.accessToken : 'expired-token';
      },
    });
    cleanup.push(() => client.dispose());
    await client.connect();
    expect(calls).toEqual([false, true]);
    expect(client.getState().status).toBe('connected');
    client.dispose();
  });
});
