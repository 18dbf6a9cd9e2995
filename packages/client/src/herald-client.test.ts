/**
 * HeraldClient against an in-memory fake server and a fake clock: every status transition, backoff,
 * auth refresh, heartbeat, online/visibility, requests, subscriptions, outbox and dispose.
 * (The same behaviours run against the real server in ../test.)
 */
import { type HeraldError, HeraldError as HeraldErrorClass, type ServerFrame } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock, sequence, settle } from '../test/fake-clock.js';
import { FakeServer, type FakeServerOptions, messageFrame } from '../test/fake-socket.js';
import { FakeOnline, FakeVisibility } from '../test/fake-sources.js';
import type { ErrorContext, HeraldClientOptions } from './client-options.js';
import type { ConnectionStatus } from './connection-state.js';
import { createClient } from './herald-client.js';

type Setup = Partial<HeraldClientOptions> & { server?: FakeServerOptions; online?: FakeOnline; visibility?: FakeVisibility };

function setup(options: Setup = {}) {
  const clock = new FakeClock();
  const server = new FakeServer(options.server);
  const online = options.online ?? new FakeOnline();
  const visibility = options.visibility ?? new FakeVisibility();
  const errors: [HeraldError, ErrorContext][] = [];
  const credentialCalls: boolean[] = [];
  const tokens = ['token-1', 'token-2', 'token-3', 'token-4'];
  const client = createClient({
    url: 'ws://fake/ws',
    device: { deviceType: 'desktop', deviceId: 'dev-1' },
    credentials: ({ refresh }) => {
      credentialCalls.push(refresh);
      return tokens[credentialCalls.length - 1] ?? 'token-x';
    },
    WebSocket: server.WebSocket,
    timers: clock,
    random: () => 0.5,
    onError: (error, context) => errors.push([error, context]),
    ...options,
    online,
    visibility,
  });
  const statuses: ConnectionStatus[] = [];
  client.subscribe((state, previous) => {
    if (state.status !== previous.status) statuses.push(state.status);
  });
  return { clock, server, online, visibility, errors, credentialCalls, client, statuses };
}

describe('HeraldClient status transitions', () => {
  it('disconnected -> connecting -> connected; connect() resolves once authenticated', async () => {
    const t = setup();
    expect(t.client.getState().status).toBe('disconnected');
    const ready = t.client.connect();
    expect(t.client.getState().status).toBe('connecting');
    await ready;
    expect(t.statuses).toEqual(['connecting', 'connected']);
    expect(t.client.getState()).toMatchObject({ status: 'connected', lastConnected: t.clock.now(), reconnectAttempts: 0, error: null });
    expect(t.credentialCalls).toEqual([false]);
    expect(t.server.last.sentOf('authenticate')[0]?.data).toEqual({
      token: 'token-1',
      device: { deviceType: 'desktop', deviceId: 'dev-1' },
    });
    await t.client.connect(); // already connected: resolves at once
    expect(t.server.sockets).toHaveLength(1);
  });

  it('connecting -> reconnecting when the first attempt fails, then -> connected', async () => {
    const t = setup();
    t.server.reachable = false;
    const ready = t.client.connect();
    await settle();
    expect(t.client.getState()).toMatchObject({ status: 'reconnecting', reconnectAttempts: 1, nextRetryAt: t.clock.now() + 1000 });
    t.server.reachable = true;
    await t.clock.advanceAsync(1000);
    await ready;
    expect(t.statuses).toEqual(['connecting', 'reconnecting', 'connected']);
    expect(t.client.getState().reconnectAttempts).toBe(0);
    expect(t.credentialCalls).toEqual([false, false]);
  });

  it('connected -> reconnecting when the socket drops, and back; a fresh token is fetched per connect', async () => {
    const t = setup();
    await t.client.connect();
    const connectedAt = t.clock.now();
    t.clock.jump(5000);
    t.server.last.drop(1001, 'server restart');
    expect(t.client.getState()).toMatchObject({ status: 'reconnecting', lastConnected: connectedAt, lastDisconnected: t.clock.now() });
    await t.clock.advanceAsync(1000);
    expect(t.client.getState().status).toBe('connected');
    expect(t.statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(t.server.last.sentOf('authenticate')[0]?.data.token).toBe('token-2');
  });

  it('reconnecting -> reconnecting per attempt: delays grow, are capped and jittered; the counter resets on success', async () => {
    const random = sequence(0.5, 1 - 1e-9, 0.25, 0.5, 1 - 1e-9, 0.1);
    const t = setup({ random, reconnect: { baseDelayMs: 1000, factor: 2, maxDelayMs: 5000, maxAttempts: 10 } });
    await t.client.connect();
    t.server.reachable = false;
    t.server.last.drop(1006);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const state = t.client.getState();
      expect(state).toMatchObject({ status: 'reconnecting', reconnectAttempts: attempt });
      const delay = (state.nextRetryAt ?? 0) - t.clock.now();
      delays.push(delay);
      expect(t.server.sockets).toHaveLength(attempt);
      await t.clock.advanceAsync(delay);
    }
    // ceilings 1000, 2000, 4000, 5000 (cap), 5000, 5000 times the random values
    expect(delays).toEqual([500, 1999, 1000, 2500, 4999, 500]);
    t.server.reachable = true;
    await t.clock.advanceAsync(5000);
    expect(t.client.getState()).toMatchObject({ status: 'connected', reconnectAttempts: 0 });
  });

  it('reconnecting -> error after the last attempt; reconnect() starts over (error -> connecting)', async () => {
    const t = setup({ reconnect: { maxAttempts: 3 } });
    t.server.reachable = false;
    const ready = t.client.connect();
    ready.catch(() => undefined);
    await t.clock.advanceAsync(120_000);
    expect(t.server.sockets).toHaveLength(4); // the first attempt and 3 retries
    expect(t.client.getState()).toMatchObject({ status: 'error', reconnectAttempts: 3, error: { code: 'unavailable' } });
    await expect(ready).rejects.toMatchObject({ code: 'unavailable' });
    expect(t.clock.pending).toBe(0);
    t.server.reachable = true;
    await t.client.reconnect();
    expect(t.statuses.slice(-3)).toEqual(['error', 'connecting', 'connected']);
    expect(t.server.sockets).toHaveLength(5);
  });

  it('connecting -> disconnected: disconnect() during a connect rejects it and stops everything', async () => {
    const t = setup();
    const ready = t.client.connect();
    t.client.disconnect();
    await expect(ready).rejects.toMatchObject({ code: 'disconnected' });
    await t.clock.advanceAsync(60_000);
    expect(t.statuses).toEqual(['connecting', 'disconnected']);
    expect(t.server.sockets.length).toBeLessThanOrEqual(1);
    expect(t.clock.pending).toBe(0);
  });

  it('connected -> disconnected closes the socket and never reconnects', async () => {
    const t = setup();
    await t.client.connect();
    t.client.disconnect();
    expect(t.server.last.closedByClient).toBe(true);
    expect(t.client.getState()).toMatchObject({ status: 'disconnected', lastDisconnected: t.clock.now() });
    await t.clock.advanceAsync(120_000);
    expect(t.server.sockets).toHaveLength(1);
    expect(t.clock.pending).toBe(0);
  });

  it('reconnecting -> disconnected and error -> disconnected', async () => {
    const t = setup({ reconnect: { maxAttempts: 1 } });
    t.server.reachable = false;
    t.client.connect().catch(() => undefined);
    await settle();
    expect(t.client.getState().status).toBe('reconnecting');
    t.client.disconnect();
    expect(t.clock.pending).toBe(0);
    t.client.connect().catch(() => undefined);
    await t.clock.advanceAsync(10_000);
    expect(t.client.getState().status).toBe('error');
    t.client.disconnect();
    expect(t.statuses).toEqual(['connecting', 'reconnecting', 'disconnected', 'connecting', 'reconnecting', 'error', 'disconnected']);
  });

  it('connecting -> error after an auth refusal, one refresh, and a second refusal: no retry storm', async () => {
    const t = setup({ server: { validTokens: ['never'] } });
    const ready = t.client.connect();
    await expect(ready).rejects.toMatchObject({ code: 'unauthorized' });
    expect(t.credentialCalls).toEqual([false, true]);
    expect(t.server.sockets).toHaveLength(2);
    expect(t.client.getState()).toMatchObject({ status: 'error', error: { code: 'unauthorized' } });
    expect(t.clock.pending).toBe(0);
    await t.clock.advanceAsync(600_000);
    expect(t.server.sockets).toHaveLength(2);
  });

  it('an auth refusal is retried at once with a refreshed token', async () => {
    const t = setup({ server: { validTokens: ['token-2'] } });
    await t.client.connect();
    expect(t.credentialCalls).toEqual([false, true]);
    expect(t.statuses).toEqual(['connecting', 'connected']);
    // While connected the budget is fresh again: a later 4001 gets its own refresh.
    t.server.last.drop(4001, 'revoked');
    expect(t.client.getState().status).toBe('reconnecting');
    await settle();
    await settle();
    expect(t.credentialCalls).toEqual([false, true, true]);
  });

  it('a credential provider that throws is retried with backoff; one throwing unauthorized ends in error', async () => {
    let calls = 0;
    const t = setup({
      credentials: () => {
        calls++;
        if (calls === 1) throw new Error('network down');
        throw new HeraldErrorClass('unauthorized', 'refresh token revoked');
      },
    });
    const ready = t.client.connect();
    ready.catch(() => undefined);
    await settle();
    expect(t.client.getState()).toMatchObject({ status: 'reconnecting', error: { code: 'unavailable' } });
    await t.clock.advanceAsync(1000);
    await expect(ready).rejects.toMatchObject({ code: 'unauthorized' });
    expect(t.server.sockets).toHaveLength(0);
  });
});

describe('HeraldClient liveness', () => {
  it("uses the server's heartbeat interval and replaces a socket that stops answering", async () => {
    const t = setup({ server: { heartbeatIntervalMs: 5000 }, heartbeatTimeoutMs: 1000 });
    await t.client.connect();
    await t.clock.advanceAsync(5000);
    expect(t.server.last.sentOf('heartbeat')).toHaveLength(1);
    t.server.answerHeartbeats = false;
    await t.clock.advanceAsync(5000);
    expect(t.server.sockets[0]?.sentOf('heartbeat')).toHaveLength(2);
    await t.clock.advanceAsync(1000);
    expect(t.client.getState().status).toBe('reconnecting');
    t.server.answerHeartbeats = true;
    await t.clock.advanceAsync(1000);
    expect(t.client.getState().status).toBe('connected');
    expect(t.server.sockets).toHaveLength(2);
  });

  it('the heartbeatIntervalMs option overrides the server', async () => {
    const t = setup({ server: { heartbeatIntervalMs: 5000 }, heartbeatIntervalMs: 200 });
    await t.client.connect();
    await t.clock.advanceAsync(200);
    expect(t.server.last.sentOf('heartbeat')).toHaveLength(1);
  });

  it('a page that slept past its heartbeat deadline is not taken for a dead server', async () => {
    const t = setup({ heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 500 });
    await t.client.connect();
    t.server.answerHeartbeats = false;
    await t.clock.advanceAsync(1000); // heartbeat sent; its reply is held back, as in a frozen tab
    t.clock.jump(120_000);
    await t.clock.advanceAsync(0); // the deadline fires two minutes late: probe again instead
    expect(t.client.getState().status).toBe('connected');
    t.server.answerHeartbeats = true;
    const socket = t.server.last;
    socket.receive({ id: 'h', type: 'heartbeat', action: 'heartbeat', data: { serverTime: 1 }, timestamp: 1 });
    await t.clock.advanceAsync(500);
    expect(t.client.getState().status).toBe('connected');
    expect(t.server.sockets).toHaveLength(1);
  });

  it('becoming visible probes at once: a live socket stays, a dead one is replaced within the timeout', async () => {
    const t = setup({ heartbeatIntervalMs: 3_600_000, heartbeatTimeoutMs: 500 });
    await t.client.connect();
    t.visibility.set(false);
    t.visibility.set(true);
    expect(t.server.last.sentOf('heartbeat')).toHaveLength(1);
    await t.clock.advanceAsync(500);
    expect(t.client.getState().status).toBe('connected');
    t.server.answerHeartbeats = false;
    t.visibility.set(true);
    await t.clock.advanceAsync(500);
    expect(t.client.getState().status).toBe('reconnecting');
  });

  it('becoming visible while waiting to reconnect tries at once', async () => {
    const t = setup({ reconnect: { baseDelayMs: 60_000 } });
    await t.client.connect();
    t.server.last.drop(1006);
    expect(t.client.getState().status).toBe('reconnecting');
    t.visibility.set(true);
    await settle();
    await settle();
    expect(t.client.getState().status).toBe('connected');
  });

  it('pauses while offline and reconnects the moment the network is back', async () => {
    const online = new FakeOnline(true);
    const t = setup({ online, reconnect: { baseDelayMs: 60_000 } });
    await t.client.connect();
    online.set(false);
    t.server.last.drop(1006);
    expect(t.client.getState()).toMatchObject({ status: 'reconnecting', nextRetryAt: null });
    await t.clock.advanceAsync(600_000);
    expect(t.server.sockets).toHaveLength(1);
    online.set(true);
    await settle();
    await settle();
    expect(t.client.getState().status).toBe('connected');
  });
});

describe('HeraldClient requests and frames', () => {
  it('resolves typed ack results; a request that breaks the schema fails locally', async () => {
    const t = setup({ requestTimeoutMs: 1000 });
    await t.client.connect();
    const history = await t.client.request('history', { conversationId: 'c1' });
    expect(history).toEqual({ messages: [], hasMore: false });
    const bad = t.client.request('history', { conversationId: '' });
    await expect(bad).rejects.toBeInstanceOf(HeraldErrorClass);
    await expect(bad).rejects.toMatchObject({ code: 'invalid_frame' });
    await expect(t.client.request('unsubscribe', { conversationId: 'c9' })).resolves.toEqual({ conversationId: 'c9' });
  });

  it('rejects with the code of an error frame, and times out when no reply comes', async () => {
    const t = setup({ requestTimeoutMs: 1000, server: { autoRespond: false } });
    const ready = t.client.connect();
    await settle();
    t.server.last.open();
    t.server.last.receive(JSON.stringify({ ...messageFrame('x', 1), action: 'connected' }));
    // An invalid frame is reported, not thrown.
    expect(t.errors.map(([e, c]) => [e.code, c.source])).toEqual([['invalid_frame', 'frame']]);
    const { connectedFrame, errorFrame } = await import('../test/fake-socket.js');
    t.server.last.receive(connectedFrame());
    await ready;
    const refused = t.client.request('history', { conversationId: 'c1' }, { id: 'q1' });
    t.server.last.receive(errorFrame('q1', 'forbidden', 'not a member'));
    await expect(refused).rejects.toMatchObject({ code: 'forbidden', message: 'not a member' });
    const slow = expect(t.client.request('history', { conversationId: 'c1' })).rejects.toMatchObject({ code: 'timeout' });
    await t.clock.advanceAsync(1000);
    await slow;
    t.server.last.receive('not json');
    expect(t.errors.at(-1)?.[0].code).toBe('bad_json');
    expect(t.client.getState().status).toBe('connected');
  });

  it('rejects a request made while disconnected', async () => {
    const t = setup();
    await expect(t.client.request('history', { conversationId: 'c1' })).rejects.toMatchObject({ code: 'disconnected' });
  });

  it('handlers get frames in order after the call returns; a throwing handler is reported, others still run', async () => {
    const t = setup();
    const seen: string[] = [];
    t.client.on('connected', () => {
      throw new Error('bad handler');
    });
    t.client.on('connected', (f) => void seen.push(`connected:${f.data.connectionId}`));
    t.client.onAny((f: ServerFrame) => void seen.push(`any:${f.action}`));
    expect(t.client.handlerCount).toBe(3);
    await t.client.connect();
    expect(seen).toEqual([]); // dispatch never runs inside the socket event
    await t.clock.advanceAsync(0);
    expect(seen).toEqual(['connected:conn', 'any:connected']);
    expect(t.errors.map(([e, c]) => [e.message, c])).toEqual([
      ['a connected handler failed: bad handler', { source: 'handler', detail: 'connected' }],
    ]);
  });
});

describe('HeraldClient subscriptions and outbox', () => {
  it('resumes a followed conversation after reconnect: every seq once, in order', async () => {
    const t = setup();
    const got: number[] = [];
    t.client.on('new_message', (f) => void got.push(f.data.seq));
    await t.client.connect();
    for (let i = 0; i < 3; i++) t.server.publish('c1');
    await expect(t.client.subscribeConversation('c1', { since: 1 })).resolves.toEqual({ conversationId: 'c1', lastSeq: 3 });
    await t.clock.advanceAsync(0);
    expect(got).toEqual([2, 3]);
    t.server.last.drop(1006);
    const missed = [t.server.publish('c1'), t.server.publish('c1')];
    await t.clock.advanceAsync(1000);
    expect(t.server.last.sentOf('subscribe')[0]?.data).toEqual({ conversationId: 'c1', since: 3 });
    t.server.last.receive(missed[1] as ServerFrame); // a live repeat of what the catch-up sent
    await t.clock.advanceAsync(0);
    expect(got).toEqual([2, 3, 4, 5]);
    expect(t.client.lastSeq('c1')).toBe(5);
  });

  it('subscribing twice to the same conversation resolves at once the second time', async () => {
    const t = setup();
    await t.client.connect();
    t.server.publish('c1');
    await t.client.subscribeConversation('c1');
    await expect(t.client.subscribeConversation('c1')).resolves.toEqual({ conversationId: 'c1', lastSeq: 1 });
    expect(t.server.last.sentOf('subscribe')).toHaveLength(1);
  });

  it('unsubscribing stops following: the server is told and the resume point is forgotten', async () => {
    const t = setup();
    await t.client.connect();
    await t.client.subscribeConversation('c1', { since: 0 });
    await t.client.unsubscribeConversation('c1');
    expect(t.server.last.sentOf('unsubscribe')[0]?.data).toEqual({ conversationId: 'c1' });
    expect(t.client.lastSeq('c1')).toBeNull();
    t.server.last.drop(1006);
    await t.clock.advanceAsync(1000);
    expect(t.server.last.sentOf('subscribe')).toHaveLength(0);
  });

  it('holds an out-of-order message and fetches the gap from history after gapTimeoutMs', async () => {
    const t = setup({ gapTimeoutMs: 300 });
    const got: number[] = [];
    t.client.on('new_message', (f) => void got.push(f.data.seq));
    await t.client.connect();
    await t.client.subscribeConversation('c1', { since: 0 });
    const frames = [t.server.publish('c1'), t.server.publish('c1'), t.server.publish('c1')];
    t.server.last.receive(frames[0] as ServerFrame);
    t.server.last.receive(frames[2] as ServerFrame); // 2 went missing
    await t.clock.advanceAsync(0);
    expect(got).toEqual([1]);
    await t.clock.advanceAsync(299);
    expect(t.server.last.sentOf('history')).toHaveLength(0);
    await t.clock.advanceAsync(1);
    expect(t.server.last.sentOf('history')[0]?.data).toMatchObject({ conversationId: 'c1', after: 1 });
    expect(got).toEqual([1, 2, 3]);
  });

  it('frames dropped by a full dispatch queue are reported and refilled, never lost', async () => {
    const t = setup({ dispatch: { capacity: 5 }, gapTimeoutMs: 100 });
    const got: number[] = [];
    t.client.on('new_message', (f) => void got.push(f.data.seq));
    await t.client.connect();
    await t.client.subscribeConversation('c1', { since: 0 });
    await t.clock.advanceAsync(0);
    for (let i = 0; i < 20; i++) t.server.last.receive(t.server.publish('c1'));
    await t.clock.advanceAsync(0);
    expect(t.errors.map(([e, c]) => [e.code, c.source, (e.details as { dropped: number }).dropped])).toEqual([
      ['queue_full', 'dispatch', 15],
    ]);
    await t.clock.advanceAsync(100);
    expect(got).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('queues messages while disconnected and sends them in order, once, after connecting', async () => {
    const t = setup();
    const sent = [t.client.sendMessage('c1', { text: 'one' }), t.client.sendMessage('c1', { text: 'two' }, { id: 'my-id' })];
    expect(t.client.pendingMessages().map((r) => r.frame.data.text)).toEqual(['one', 'two']);
    await t.client.connect();
    const results = await Promise.all(sent);
    expect(results.map((r) => r.seq)).toEqual([1, 2]);
    expect(t.server.messages.get('c1')?.map((m) => [m.text, m.clientId === 'my-id'])).toEqual([
      ['one', false],
      ['two', true],
    ]);
    await expect(t.client.sendMessage('c1', { text: '  ' })).rejects.toMatchObject({ code: 'invalid_frame' });
  });

  it('shares one connection: first acquire connects, last release disconnects after the grace period', async () => {
    const t = setup({ releaseGraceMs: 1000 });
    const releaseA = t.client.acquire();
    const releaseB = t.client.acquire();
    await t.clock.advanceAsync(0);
    expect(t.client.getState().status).toBe('connected');
    releaseA();
    releaseB();
    await t.clock.advanceAsync(500);
    const releaseC = t.client.acquire(); // route change: the next consumer arrives within the grace
    await t.clock.advanceAsync(5000);
    expect(t.client.getState().status).toBe('connected');
    expect(t.server.sockets).toHaveLength(1);
    releaseC();
    await t.clock.advanceAsync(1000);
    expect(t.client.getState().status).toBe('disconnected');
  });

  it('dispose rejects everything pending with disconnected and leaves no timer, listener or handler', async () => {
    const online = new FakeOnline();
    const visibility = new FakeVisibility();
    const t = setup({ server: { autoRespond: true }, online, visibility });
    t.client.on('new_message', () => undefined);
    t.client.subscribe(() => undefined);
    await t.client.connect();
    t.server.ignore.add('history');
    const request = t.client.request('history', { conversationId: 'c1' }, { timeoutMs: 60_000 });
    t.server.last.drop(1006); // the queued message now waits in the outbox
    const queued = t.client.sendMessage('c1', { text: 'later' });
    const subscription = t.client.subscribeConversation('c2');
    t.client.dispose();
    const outcomes = await Promise.allSettled([request, queued, subscription]);
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as HeraldError).code)).toEqual([
      'disconnected',
      'disconnected',
      'disconnected',
    ]);
    expect(t.client.handlerCount).toBe(0);
    expect(t.clock.pending).toBe(0);
    expect(online.listenerCount).toBe(0);
    expect(visibility.listenerCount).toBe(0);
    await expect(t.client.connect()).rejects.toMatchObject({ code: 'disconnected' });
  });
});
