/**
 * HeraldClient against an in-memory fake server and a fake clock: every status transition, backoff and auth refresh.
 * (The same behaviours run against the real server in ../test.)
 */
import { HeraldError as HeraldErrorClass } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { setup } from '../test/client-setup.js';
import { sequence, settle } from '../test/fake-clock.js';

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
    const t = setup({ reconnect: { fastFailMs: 0 } });
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
    t.server.last.drop(1006);
    expect(t.client.getState()).toMatchObject({ status: 'reconnecting', lastConnected: connectedAt, lastDisconnected: t.clock.now() });
    await t.clock.advanceAsync(1000);
    expect(t.client.getState().status).toBe('connected');
    expect(t.statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
    expect(t.server.last.sentOf('authenticate')[0]?.data.token).toBe('token-2');
  });

  it('reconnecting -> reconnecting per attempt: delays grow, are capped and jittered; the counter resets on success', async () => {
    const random = sequence(0.5, 1 - 1e-9, 0.25, 0.5, 1 - 1e-9, 0.1);
    // fastFailMs 0: every failure follows the backoff (the fake refuses at once, a fast failure otherwise).
    const t = setup({ random, reconnect: { baseDelayMs: 1000, factor: 2, maxDelayMs: 5000, maxAttempts: 10, fastFailMs: 0 } });
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

  it('with giveUp: reconnecting -> error after the last attempt; reconnect() starts over (error -> connecting)', async () => {
    const t = setup({ reconnect: { maxAttempts: 3, giveUp: true } });
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
    const t = setup({ reconnect: { maxAttempts: 1, giveUp: true } });
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
