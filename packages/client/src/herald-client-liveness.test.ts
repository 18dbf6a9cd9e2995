import { describe, expect, it } from 'vitest';
import { setup } from '../test/client-setup.js';
import { FakeOnline } from '../test/fake-sources.js';

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
    // Declared dead at the deadline and replaced at once: no backoff after a socket this client judged dead.
    expect(t.server.sockets).toHaveLength(2);
    expect(t.server.sockets[0]?.closedByClient).toBe(true);
    expect(t.client.getState()).toMatchObject({ status: 'connected', reconnectAttempts: 0 });
    expect(t.statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
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
    await t.clock.advanceAsync(499);
    expect(t.server.sockets).toHaveLength(1);
    await t.clock.advanceAsync(1);
    expect(t.server.sockets).toHaveLength(2);
    expect(t.statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('becoming visible, focus and pageshow while waiting to reconnect try within the wake jitter', async () => {
    const t = setup({ reconnect: { baseDelayMs: 60_000, wakeJitterMs: 400 } });
    await t.client.connect();
    t.server.last.drop(1006);
    expect(t.client.getState().status).toBe('reconnecting');
    t.visibility.set(true);
    expect(t.client.getState().nextRetryAt).toBe(t.clock.now() + 200); // random 0.5 of 400 ms
    await t.clock.advanceAsync(200);
    expect(t.client.getState().status).toBe('connected');
    t.server.last.drop(1006);
    t.focus.fire();
    await t.clock.advanceAsync(200);
    expect(t.client.getState().status).toBe('connected');
    expect(t.server.sockets).toHaveLength(3);
  });

  it('a wake never pushes a sooner attempt later', async () => {
    const t = setup({ reconnect: { baseDelayMs: 100, wakeJitterMs: 10_000 } });
    await t.client.connect();
    t.server.last.drop(1006);
    const due = t.client.getState().nextRetryAt;
    expect(due).toBe(t.clock.now() + 50);
    t.focus.fire();
    expect(t.client.getState().nextRetryAt).toBe(due);
    await t.clock.advanceAsync(50);
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
    await t.clock.advanceAsync(250); // the wake jitter (default 500 ms × random 0.5)
    expect(t.client.getState().status).toBe('connected');
  });
});
