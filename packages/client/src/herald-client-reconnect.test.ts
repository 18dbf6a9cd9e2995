/**
 * HeraldClient's reconnect schedule and dead-socket detection against the in-memory fake server and
 * a fake clock: it never gives up unless told to, a refused connect is retried on a short cadence,
 * a going-away close after a short jitter, a timeout on the growing backoff, and a request that
 * waits for its reply makes the client probe its socket and move the request to the next one.
 * (The same behaviours run against the real server and a real TCP proxy in ../test/reconnect-policy.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { setup } from '../test/client-setup.js';
import { FakeVisibility } from '../test/fake-sources.js';

/** Delay until the next attempt, as the state announces it. */
const nextDelay = (t: ReturnType<typeof setup>) => (t.client.getState().nextRetryAt ?? Number.NaN) - t.clock.now();

describe('HeraldClient reconnect schedule', () => {
  it('past the attempt budget it keeps trying and says so; the queued message goes out once the server is back', async () => {
    const t = setup({ reconnect: { maxAttempts: 3 } });
    await t.client.connect();
    t.server.reachable = false;
    t.server.last.drop(1006);
    const sent = t.client.sendMessage('c1', { text: 'still here' });
    await t.clock.advanceAsync(180_000);
    const state = t.client.getState();
    expect(state).toMatchObject({ status: 'reconnecting', attemptLimitPassed: true, retryEveryMs: 2500 });
    expect(state.reconnectAttempts).toBeGreaterThan(60); // every 1.75 s (random 0.5 in 1–2.5 s) for 3 minutes
    expect(t.statuses).not.toContain('error');
    t.server.reachable = true;
    await t.clock.advanceAsync(2500);
    expect(t.client.getState()).toMatchObject({ status: 'connected', attemptLimitPassed: false, retryEveryMs: null, reconnectAttempts: 0 });
    await expect(sent).resolves.toMatchObject({ seq: 1, duplicate: false });
    expect(t.server.messages.get('c1')).toHaveLength(1);
  });

  it('a refused connect is retried on the short cadence whatever the attempt count; a hidden page backs off', async () => {
    const visibility = new FakeVisibility(true);
    const t = setup({ visibility, reconnect: { baseDelayMs: 1000, maxDelayMs: 30_000 } });
    await t.client.connect();
    t.server.reachable = false;
    t.server.last.drop(1006); // a ready socket lost: the backoff (1000 × 0.5)
    expect(nextDelay(t)).toBe(500);
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      await t.clock.advanceAsync(nextDelay(t));
      delays.push(nextDelay(t));
    }
    expect(delays).toEqual(Array(8).fill(1750)); // refused within fastFailMs: 1000 + 0.5 × 1500
    visibility.set(false);
    await t.clock.advanceAsync(nextDelay(t));
    expect(nextDelay(t)).toBe(15_000); // attempt 10 of a hidden page: the capped backoff, 30 s × 0.5
  });

  it('a going-away close (1001) reconnects after a short jitter, not the grown backoff', async () => {
    const t = setup({ reconnect: { baseDelayMs: 1000, fastFailMs: 0 } });
    await t.client.connect();
    t.server.reachable = false;
    t.server.last.drop(1006);
    for (let i = 0; i < 5; i++) await t.clock.advanceAsync(nextDelay(t));
    expect(nextDelay(t)).toBe(15_000); // the backoff has grown to its cap
    t.server.reachable = true;
    await t.clock.advanceAsync(nextDelay(t));
    expect(t.client.getState().status).toBe('connected');
    t.server.last.drop(1001, 'server restart');
    expect(t.client.getState()).toMatchObject({ status: 'reconnecting', retryEveryMs: 2000 });
    expect(nextDelay(t)).toBe(1125); // 250 + 0.5 × 1750
    await t.clock.advanceAsync(1125);
    expect(t.client.getState().status).toBe('connected');
  });

  it('a connect that times out (no answer) follows the growing backoff', async () => {
    const t = setup({ connectTimeoutMs: 5000, reconnect: { baseDelayMs: 2000, maxDelayMs: 30_000 } });
    await t.client.connect();
    t.server.hang = true;
    t.server.last.drop(1006);
    const delays = [nextDelay(t)];
    for (let i = 0; i < 4; i++) {
      await t.clock.advanceAsync(nextDelay(t)); // the attempt starts …
      await t.clock.advanceAsync(5000); // … and times out
      delays.push(nextDelay(t));
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 15_000]);
  });
});

describe('HeraldClient dead-socket detection', () => {
  it('a request without its reply makes the client probe; no answer: the socket is replaced and the request moves to the next one', async () => {
    const t = setup({ heartbeatIntervalMs: 3_600_000, ackProbeMs: 2000, probeTimeoutMs: 1500, requestTimeoutMs: 10_000 });
    await t.client.connect();
    const dead = t.server.last;
    t.server.ignore.add('history');
    t.server.answerHeartbeats = false; // black-holed: nothing comes back
    const page = t.client.request('history', { conversationId: 'c1', limit: 10 });
    await t.clock.advanceAsync(1999);
    expect(dead.sentOf('heartbeat')).toHaveLength(0);
    await t.clock.advanceAsync(1);
    expect(dead.sentOf('heartbeat')).toHaveLength(1); // the probe, at ackProbeMs
    t.server.ignore.delete('history');
    t.server.answerHeartbeats = true;
    await t.clock.advanceAsync(1500); // its deadline: declared dead, replaced at once
    expect(t.server.sockets).toHaveLength(2);
    expect(dead.closedByClient).toBe(true);
    await expect(page).resolves.toMatchObject({ messages: [], hasMore: false });
    const [resent] = t.server.last.sentOf('history');
    expect(resent?.id).toBe(dead.sentOf('history')[0]?.id); // the same frame id: idempotent resend
    expect(dead.sentOf('history')).toHaveLength(1); // never sent again on the dead socket
  });

  it('a probe that is answered keeps the socket; the slow request still ends in its own timeout', async () => {
    const t = setup({ heartbeatIntervalMs: 3_600_000, ackProbeMs: 2000, probeTimeoutMs: 1500, requestTimeoutMs: 5000 });
    await t.client.connect();
    t.server.ignore.add('history');
    const page = t.client.request('history', { conversationId: 'c1', limit: 10 });
    page.catch(() => undefined);
    await t.clock.advanceAsync(3500);
    expect(t.server.last.sentOf('heartbeat')).toHaveLength(1);
    expect(t.server.sockets).toHaveLength(1);
    await t.clock.advanceAsync(1500);
    await expect(page).rejects.toMatchObject({ code: 'timeout' });
    expect(t.server.sockets).toHaveLength(1);
  });

  it('a request bound to its socket (unsubscribe) fails with disconnected when the socket dies', async () => {
    const t = setup();
    await t.client.connect();
    t.server.ignore.add('unsubscribe');
    const gone = t.client.request('unsubscribe', { conversationId: 'c1' });
    t.server.last.drop(1006);
    await expect(gone).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('an outbox send with no ack probes the socket; after the replacement it is sent again and stored once', async () => {
    const t = setup({ heartbeatIntervalMs: 3_600_000, ackProbeMs: 2000, probeTimeoutMs: 1500 });
    await t.client.connect();
    t.server.ignore.add('send_message');
    t.server.answerHeartbeats = false;
    const sent = t.client.sendMessage('c1', { text: 'hello' });
    await t.clock.advanceAsync(2000);
    const dead = t.server.last;
    expect(dead.sentOf('heartbeat')).toHaveLength(1); // the probe: no ack after ackProbeMs
    t.server.ignore.delete('send_message'); // the next socket works
    t.server.answerHeartbeats = true;
    await t.clock.advanceAsync(1500);
    expect(t.server.sockets).toHaveLength(2);
    await expect(sent).resolves.toMatchObject({ seq: 1 });
    expect(dead.sentOf('send_message')).toHaveLength(1);
    expect(t.server.last.sentOf('send_message')[0]?.id).toBe(dead.sentOf('send_message')[0]?.id);
    expect(t.server.messages.get('c1')).toHaveLength(1);
  });
});
