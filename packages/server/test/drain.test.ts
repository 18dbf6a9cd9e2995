/**
 * The drain of a graceful stop (`close({ drainDelayMs, spreadMs })`, what main.ts does on SIGTERM):
 * readiness turns 503 and upgrades are refused at once, while open sockets keep being served until
 * the delay is over; then every socket closes with 1001, spread over the window.
 */
import { ApiClient, buildServer, startServerProcess, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.destroy();
});

async function start(): Promise<TestServer> {
  const server = await startTestServer({ env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
  servers.push(server);
  return server;
}

/** The HTTP status a WebSocket upgrade gets (101 when it opens). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('open', () => {
      ws.terminate();
      resolve(101);
    });
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', (error) => reject(error));
  });
}

describe('drain on a graceful stop', () => {
  it('reports not ready and refuses new sockets at once, serves open ones through the delay, then closes them with 1001', async () => {
    const server = await start();
    const api = new ApiClient(server.url);
    const { alice, conversationId } = await api.directPair();
    const ready = '/api/v1/health/ready';
    expect((await fetch(`${server.url}${ready}`)).status).toBe(200);
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    let closedAt = 0;
    void socket.closed.then(() => {
      closedAt = Date.now();
    });

    const drainDelayMs = 700;
    const stoppedAt = Date.now();
    const stopping = server.server.close({ drainDelayMs });
    expect((await fetch(`${server.url}${ready}`)).status).toBe(503);
    expect(await upgradeStatus(server.wsUrl)).toBe(503);
    // The open socket still works while the load balancer is taking the node out.
    const ack = (await socket.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'still here' } })) as {
      seq: number;
    };
    expect(ack.seq).toBe(1);
    expect(closedAt).toBe(0);

    expect((await socket.closed).code).toBe(1001);
    expect(closedAt - stoppedAt).toBeGreaterThanOrEqual(drainDelayMs);
    await stopping;
  });

  it('spreads the 1001 closes over the window instead of sending them all at once', async () => {
    const server = await start();
    const api = new ApiClient(server.url);
    const { alice } = await api.directPair();
    const sockets = await Promise.all(Array.from({ length: 12 }, () => TestSocket.connect(server.wsUrl, alice.accessToken)));
    const closes = sockets.map((s) => s.closed.then((closed) => ({ code: closed.code, at: Date.now() })));

    const spreadMs = 600;
    const stoppedAt = Date.now();
    await server.server.close({ spreadMs });
    const results = await Promise.all(closes);
    expect(results.map((r) => r.code)).toEqual(sockets.map(() => 1001));
    const times = results.map((r) => r.at - stoppedAt);
    // Twelve uniform draws over 600 ms all within 150 ms of each other: about 3 in a million.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(150);
    expect(Math.max(...times)).toBeLessThan(spreadMs + 1_000);
  });

  it('main.ts refuses a drain setting that is not whole milliseconds, naming it', async () => {
    await buildServer();
    const start = startServerProcess({ env: { HERALD_DRAIN_DELAY_MS: '2s' }, label: 'bad drain' });
    await expect(start).rejects.toThrow(/exited with 2[\s\S]*HERALD_DRAIN_DELAY_MS: expected whole milliseconds/);
  }, 60_000);
});
