/**
 * Server lifecycle: messages survive a restart (SQLite file), graceful shutdown closes sockets
 * with 1001 after finishing in-flight writes, health (full report, liveness, readiness) and metrics
 * report, bad config stops start. (A bus outage's health: redis-outage.test.ts.)
 */
import type { AuthResponse, HistoryResult, SendMessageResult } from '@herald/protocol';
import { ApiClient, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.destroy();
});

async function start(env: Record<string, string> = {}) {
  const server = await startTestServer({ env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000', ...env } });
  servers.push(server);
  return server;
}

describe('lifecycle', () => {
  it('keeps every message across a restart and closes sockets with 1001 going away', async () => {
    let server = await start();
    const api = new ApiClient(server.url);
    const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
    const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const acks: Promise<unknown>[] = [];
    for (let i = 1; i <= 40; i++) {
      acks.push(socket.request({ action: 'send_message', type: 'text', data: { conversationId, text: `m${i}` } }, 10_000));
    }
    // Stop while those are in flight: each is acknowledged, refused as unavailable, or cut by the close.
    const stopping = server.stop();
    const outcomes = await Promise.allSettled(acks);
    await stopping;
    expect((await socket.closed).code).toBe(1001);
    const acked = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [(o.value as SendMessageResult).messageId] : []));

    servers.pop();
    server = await server.restart();
    servers.push(server);
    const api2 = new ApiClient(server.url);
    const history = await api2.request<HistoryResult>('GET', `/api/v1/conversations/${conversationId}/messages?limit=100`, {
      token: bob.accessToken,
    });
    const ids = history.body.messages.map((m) => m.id);
    for (const id of acked) expect(ids).toContain(id); // acknowledged means persisted
    expect(history.body.messages.map((m) => m.seq)).toEqual(ids.map((_, i) => i + 1)); // no gap, no repeat
    // Tokens issued before the restart still work (same secret), and the socket path is back.
    const again = await TestSocket.connect(server.wsUrl, alice.accessToken);
    await again.close();
  });

  it('reports health and Prometheus metrics', async () => {
    const server = await start();
    const health = await fetch(`${server.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'ok',
      ready: true,
      draining: false,
      checks: {
        database: { ok: true, dialect: 'sqlite' },
        bus: { ok: true, kind: 'memory', degraded: false, queued: 0, dropped: 0 },
      },
    });
    const live = await fetch(`${server.url}/api/v1/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ live: true, nodeId: server.server.config.nodeId });
    const ready = await fetch(`${server.url}/api/v1/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true, nodeId: server.server.config.nodeId, reasons: [] });
    const api = new ApiClient(server.url);
    const user: AuthResponse = await api.register('Metric');
    const socket = await TestSocket.connect(server.wsUrl, user.accessToken);
    socket.sendRaw('nope');
    await socket.waitFor((f) => f.action === 'error');
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/herald_connections 1/);
    expect(metrics).toMatch(/herald_rejected_frames_total\{code="bad_json"\} 1/);
    expect(metrics).toMatch(/herald_frames_out_total [1-9]/);
    expect(metrics).toMatch(/herald_broadcast_latency_seconds_bucket/);
    expect(metrics).toMatch(/herald_bus_up 1/);
    expect(metrics).toMatch(/herald_bus_queued 0/);
    await socket.close();
  });

  it('answers unknown routes and paths with coded errors', async () => {
    const server = await start();
    const response = await fetch(`${server.url}/api/v1/nowhere`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
    await expect(TestSocket.open(server.wsUrl.replace('/ws', '/other'))).rejects.toThrow(/404/);
  });

  it('refuses bad configuration with a message naming each variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', HERALD_MAX_FRAME_BYTES: '-1' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DATABASE_URL: must be a postgres:\/\/ URL/);
    }
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/HERALD_JWT_SECRET: required/);
    expect(loadConfig({})).toMatchObject({ port: 8000, database: { kind: 'sqlite' }, maxFrameBytes: 65536 });
  });
});

describe('liveness', () => {
  it('drops a peer that stops answering pings', async () => {
    const server = await start({ HERALD_PING_INTERVAL_MS: '150' });
    const user = await new ApiClient(server.url).register('Zombie');
    const { default: WebSocket } = await import('ws');
    // autoPong off: this client is alive at TCP level but never answers a ping, like a half-open peer.
    const zombie = new TestSocket(new WebSocket(server.wsUrl, { autoPong: false }));
    await new Promise((resolve) => zombie.ws.once('open', resolve));
    await zombie.authenticate(user.accessToken);
    const healthy = await TestSocket.connect(server.wsUrl, user.accessToken);
    expect((await zombie.closed).code).toBe(1006); // terminated without a close frame
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/herald_closes_total\{code="4010"\} 1/);
    expect(healthy.ws.readyState).toBe(healthy.ws.OPEN); // the one that answers pings stays
    await healthy.close();
  });

  it('does not ping a peer that keeps talking, and drops it once it falls silent', async () => {
    const server = await start({ HERALD_PING_INTERVAL_MS: '150' });
    const user = await new ApiClient(server.url).register('Chatty');
    const { default: WebSocket } = await import('ws');
    // Never answers pings: only its own frames can keep it connected.
    const chatty = new TestSocket(new WebSocket(server.wsUrl, { autoPong: false }));
    let pings = 0;
    chatty.ws.on('ping', () => pings++);
    await new Promise((resolve) => chatty.ws.once('open', resolve));
    await chatty.authenticate(user.accessToken);
    // Four ping intervals of talking (a heartbeat every 50 ms, each answered).
    for (let i = 0; i < 12; i++) {
      const id = chatty.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
      await chatty.waitFor((f) => f.action === 'heartbeat' && f.data.ref === id);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(pings).toBe(0);
    expect(chatty.ws.readyState).toBe(chatty.ws.OPEN);
    // Silent from here on: pinged, unanswered, dropped.
    expect((await chatty.closed).code).toBe(1006);
    expect(pings).toBeGreaterThanOrEqual(1);
  });
});
