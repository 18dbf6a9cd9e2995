/**
 * Socket limits (issue 22): the per-account socket cap refuses the NEW socket with `rate_limited`
 * (limit `user_sockets`) and close 4029 while the others keep working, and frees a slot when one
 * closes; the per-account frame rate is one budget across all of an account's sockets (five
 * sockets flat out get about one account's rate, not five) and leaves other accounts alone; the
 * per-IP cap on unauthenticated sockets and the per-IP handshake rate refuse the upgrade itself
 * with HTTP 429 + Retry-After; every refusal is counted in /metrics; and, on two nodes sharing
 * Redis, the socket cap holds across the cluster.
 */
import { randomUUID } from 'node:crypto';
import { type AuthResponse, CloseCode, type ServerFrame } from '@herald/protocol';
import { ApiClient, postgresAvailable, redisAvailable, startTestServer, startTwoNodes, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const sockets: TestSocket[] = [];
afterAll(() => {
  for (const socket of sockets) socket.ws.terminate();
});

async function connect(server: TestServer, token: string): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, token);
  sockets.push(socket);
  return socket;
}

/** Open a socket without authenticating. */
async function openPending(server: TestServer): Promise<TestSocket> {
  const socket = await TestSocket.open(server.wsUrl);
  sockets.push(socket);
  return socket;
}

/** An authenticate the server refuses: the error frame answering it and the close that follows. */
async function refusedAuthenticate(server: TestServer, token: string) {
  const socket = await openPending(server);
  const ref = socket.sendFrame({
    action: 'authenticate',
    type: 'control',
    data: { token, device: { deviceType: 'desktop', deviceId: randomUUID() } },
  });
  const error = await socket.waitFor((f) => f.action === 'error' && f.data.ref === ref);
  return {
    ref,
    error: error.data as { code: string; ref: string; details: { limit: string; retryAfterMs: number } },
    closed: await socket.closed,
  };
}

/** Retry `attempt` until it resolves (the server frees a slot when it sees the close, a moment after the client does). */
async function eventually<T>(attempt: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** An upgrade the server refused before the WebSocket existed: status, Retry-After and JSON body. */
function refusedUpgrade(
  url: string,
): Promise<{ status: number; retryAfter: number; body: { error: { code: string; details: { limit: string } } } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('error', () => undefined);
    ws.on('unexpected-response', (_request, response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, retryAfter: Number(response.headers['retry-after']), body: JSON.parse(text) }),
      );
    });
  });
}

async function rejections(server: TestServer, limit: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`herald_limit_rejections_total{limit="${limit}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

const heartbeatAnswered = async (socket: TestSocket) => {
  const id = socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
  await socket.waitFor((f) => f.action === 'heartbeat' && f.data.ref === id);
};

describe('per-account socket cap and per-IP pending sockets', () => {
  let server: TestServer;
  let alice: AuthResponse;
  let bob: AuthResponse;

  beforeAll(async () => {
    server = await startTestServer({ env: { HERALD_USER_SOCKETS: '3', HERALD_IP_PENDING_SOCKETS: '4' } });
    const api = new ApiClient(server.url);
    [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
  });
  afterAll(() => server.destroy());

  it('advertises the per-account limits in connected.limits', async () => {
    const socket = await connect(server, bob.accessToken);
    const connected = socket.frames.find((f) => f.action === 'connected') as ServerFrame & { action: 'connected' };
    expect(connected.data.limits).toMatchObject({ userSockets: 3, userRatePerSecond: 30, userBurst: 60 });
    await socket.close();
  });

  it('refuses the socket past the cap with rate_limited + 4029, keeps the others, and frees a slot when one closes', async () => {
    const open = [
      await connect(server, alice.accessToken),
      await connect(server, alice.accessToken),
      await connect(server, alice.accessToken),
    ];
    const refused = await refusedAuthenticate(server, alice.accessToken);
    expect(refused.error).toMatchObject({ code: 'rate_limited', ref: refused.ref, details: { limit: 'user_sockets' } });
    expect(refused.error.details.retryAfterMs).toBeGreaterThan(0);
    expect(refused.closed).toEqual({ code: CloseCode.TooManySockets, reason: 'too_many_sockets' });
    // The first three keep working, and another account is not affected.
    for (const socket of open) await heartbeatAnswered(socket);
    await heartbeatAnswered(await connect(server, bob.accessToken));
    expect(await rejections(server, 'user_sockets')).toBe(1);

    await open[0]?.close();
    const again = await eventually(() => connect(server, alice.accessToken));
    await heartbeatAnswered(again);
    // Full again: the slot went to the new socket.
    expect((await refusedAuthenticate(server, alice.accessToken)).closed.code).toBe(CloseCode.TooManySockets);
  });

  it('refuses the upgrade past the per-IP unauthenticated cap with 429, and an authenticated socket frees its slot', async () => {
    const pending = await Promise.all([openPending(server), openPending(server), openPending(server), openPending(server)]);
    const refused = await refusedUpgrade(server.wsUrl);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'ip_pending_sockets' } });
    expect(await rejections(server, 'ip_pending_sockets')).toBeGreaterThanOrEqual(1);

    // One authenticates: it no longer counts, so one more may open (and is refused again after that).
    await pending[0]?.authenticate(bob.accessToken);
    await openPending(server);
    expect((await refusedUpgrade(server.wsUrl)).status).toBe(429);
    // Closing a pending socket frees its slot too.
    await pending[1]?.close();
    await eventually(() => openPending(server));
    for (const socket of pending) socket.ws.terminate();
  });
});

describe('per-account frame rate across sockets', () => {
  let server: TestServer;
  let alice: AuthResponse;
  let bob: AuthResponse;
  let conversationId: string;

  beforeAll(async () => {
    // The account's bucket equals one connection's: five sockets together get one socket's budget.
    server = await startTestServer({
      env: { HERALD_RATE_PER_SECOND: '10', HERALD_RATE_BURST: '10', HERALD_USER_RATE_PER_SECOND: '10', HERALD_USER_RATE_BURST: '10' },
    });
    const api = new ApiClient(server.url);
    ({ alice, bob, conversationId } = await api.directPair());
  });
  afterAll(() => server.destroy());

  const send = (socket: TestSocket, text: string) =>
    socket.sendFrame({ action: 'send_message', type: 'text', data: { conversationId, text } });
  const replyTo = (socket: TestSocket, id: string) =>
    socket.waitFor((f) => (f.action === 'ack' || f.action === 'error') && f.data.ref === id, 10_000);

  it("gives five sockets of one account one account's rate, with rate_limited + ref + retryAfterMs, and leaves others alone", async () => {
    const five = await Promise.all([1, 2, 3, 4, 5].map(() => connect(server, alice.accessToken)));
    const bobSocket = await connect(server, bob.accessToken);
    // Each socket sends 8 frames at once: within its own bucket (10, less the authenticate, less one
    // kept for the heartbeat below), so only the account's bucket can refuse.
    const sent = five.map((socket, s) => ({ socket, ids: Array.from({ length: 8 }, (_, i) => send(socket, `flood ${s}.${i}`)) }));
    const bobIds = Array.from({ length: 5 }, (_, i) => send(bobSocket, `bob ${i}`));
    const replies = await Promise.all(sent.flatMap(({ socket, ids }) => ids.map((id) => replyTo(socket, id))));
    const accepted = replies.filter((f) => f.action === 'ack').length;
    const refused = replies.filter((f) => f.action === 'error');
    // One account's bucket (10) plus what it refills while the 40 frames arrive (10/s); five sockets' would be 40.
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThanOrEqual(25);
    expect(refused.length).toBe(40 - accepted);
    for (const error of refused) {
      expect(error.data).toMatchObject({ code: 'rate_limited', details: { limit: 'user_rate' } });
      expect((error.data as { details: { retryAfterMs: number } }).details.retryAfterMs).toBeGreaterThan(0);
      expect(sent.some(({ ids }) => ids.includes((error.data as { ref: string }).ref))).toBe(true);
    }
    // Bob's frames spend his own bucket: all accepted.
    const bobReplies = await Promise.all(bobIds.map((id) => replyTo(bobSocket, id)));
    expect(bobReplies.map((f) => f.action)).toEqual(['ack', 'ack', 'ack', 'ack', 'ack']);
    // Heartbeats never count against the account: answered while its bucket is empty.
    for (const socket of five) await heartbeatAnswered(socket);
    expect(await rejections(server, 'user_rate')).toBe(refused.length);

    // Recovers: a frame sent after the hinted wait is accepted (a loaded machine may need a second hint).
    const socket = five[0] as TestSocket;
    const hint = (refused.at(-1)?.data as { details?: { retryAfterMs?: number } } | undefined)?.details?.retryAfterMs ?? 0;
    await new Promise((resolve) => setTimeout(resolve, hint));
    const recovered = await eventually(async () => {
      const reply = await replyTo(socket, send(socket, 'after the wait'));
      if (reply.action !== 'ack') throw new Error(`still refused: ${JSON.stringify(reply.data)}`);
      return reply;
    });
    expect(recovered.action).toBe('ack');
    // Nobody was closed for it.
    for (const s of five) expect(s.ws.readyState).toBe(WebSocket.OPEN);
  });
});

describe('per-IP handshake rate', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { HERALD_IP_HANDSHAKES_PER_MINUTE: '5' } });
  });
  afterAll(() => server.destroy());

  it('refuses upgrades past the rate with 429 and a Retry-After within the minute, and keeps serving HTTP', async () => {
    for (let i = 0; i < 5; i++) (await openPending(server)).ws.terminate();
    const refused = await refusedUpgrade(server.wsUrl);
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'ip_handshakes' } });
    expect(await rejections(server, 'ip_handshakes')).toBe(1);
    expect((await fetch(`${server.url}/api/v1/health/live`)).status).toBe(200);
    // (Recovery when the window ends: upgrade-guard.test.ts, on a clock it controls.)
  });
});

const cluster = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!cluster)('socket cap across two nodes (Redis)', () => {
  let one: TestServer;
  let two: TestServer;

  beforeAll(async () => {
    [one, two] = await startTwoNodes({ HERALD_USER_SOCKETS: '3', HERALD_IP_HANDSHAKES_PER_MINUTE: '1000' }, ['cap-1', 'cap-2']);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.terminate();
    await two?.destroy();
    await one?.destroy();
  });

  it("counts an account's sockets on every node, and a close on one node frees a slot on the other", async () => {
    const api = new ApiClient(one.url);
    const carol = await api.register('Carol');
    const onOne = [await connect(one, carol.accessToken), await connect(one, carol.accessToken)];
    await connect(two, carol.accessToken);
    expect((await refusedAuthenticate(two, carol.accessToken)).closed.code).toBe(CloseCode.TooManySockets);
    expect((await refusedAuthenticate(one, carol.accessToken)).closed.code).toBe(CloseCode.TooManySockets);
    await onOne[0]?.close();
    const moved = await eventually(() => connect(two, carol.accessToken));
    await heartbeatAnswered(moved);
    expect((await refusedAuthenticate(two, carol.accessToken)).error.details.limit).toBe('user_sockets');
  });
});
