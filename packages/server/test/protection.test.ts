/**
 * Bad input never takes the server down: coded errors for malformed, invalid and oversized
 * frames, membership and Origin checks, rate limiting that trips and recovers, abuse closes.
 */

import type { AuthResponse, SendMessageResult } from '@herald/protocol';
import { ApiClient, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let api: ApiClient;
let alice: AuthResponse;
let bob: AuthResponse;
let conversationId: string;

beforeAll(async () => {
  server = await startTestServer({ env: { HERALD_MAX_FRAME_BYTES: '2048', HERALD_RATE_PER_SECOND: '10', HERALD_RATE_BURST: '10' } });
  api = new ApiClient(server.url);
  [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
  conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
});
afterAll(() => server.destroy());

const errorFor = (socket: TestSocket, ref?: string) =>
  socket.waitForNext((f) => f.action === 'error' && (ref === undefined || f.data.ref === ref));

describe('protection', () => {
  it('answers malformed, schema-invalid, unknown and oversized frames with coded errors and keeps serving', async () => {
    const bad = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const good = await TestSocket.connect(server.wsUrl, bob.accessToken);

    let reply = errorFor(bad);
    bad.sendRaw('{"this is": not json');
    expect((await reply).data).toMatchObject({ code: 'bad_json' });

    reply = errorFor(bad, 'f1');
    bad.sendRaw(JSON.stringify({ id: 'f1', type: 'text', action: 'send_message', data: { conversationId: 42 }, timestamp: Date.now() }));
    expect((await reply).data).toMatchObject({ code: 'invalid_frame', details: expect.any(Array) });

    reply = errorFor(bad, 'f2');
    bad.sendRaw(JSON.stringify({ id: 'f2', type: 'text', action: 'launch_rockets', data: {}, timestamp: Date.now() }));
    expect((await reply).data).toMatchObject({ code: 'unknown_action' });

    reply = errorFor(bad);
    bad.sendRaw(
      JSON.stringify({
        id: 'f3',
        type: 'text',
        action: 'send_message',
        data: { conversationId, text: 'x'.repeat(5000) },
        timestamp: Date.now(),
      }),
    );
    expect((await reply).data).toMatchObject({ code: 'too_big' });

    reply = errorFor(bad);
    bad.sendRaw(Buffer.from([1, 2, 3]));
    expect((await reply).data).toMatchObject({ code: 'invalid_frame' });

    // The same connection still works, and so does everyone else.
    const ack = (await bad.request({
      action: 'send_message',
      type: 'text',
      data: { conversationId, text: 'still fine' },
    })) as SendMessageResult;
    expect(ack.seq).toBeGreaterThan(0);
    await good.waitFor((f) => f.action === 'new_message' && f.data.text === 'still fine');
    expect(bad.invalid).toEqual([]);
    await bad.close();
    await good.close();
  });

  it('cuts a frame over the hard cap with 1009', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    socket.sendRaw('x'.repeat(300 * 1024));
    expect((await socket.closed).code).toBe(1009);
  });

  it('refuses non-members everywhere with forbidden', async () => {
    const eve = await api.register('Eve');
    const socket = await TestSocket.connect(server.wsUrl, eve.accessToken);
    for (const frame of [
      { action: 'subscribe' as const, type: 'control' as const, data: { conversationId, since: 0 } },
      { action: 'send_message' as const, type: 'text' as const, data: { conversationId, text: 'let me in' } },
      { action: 'history' as const, type: 'control' as const, data: { conversationId, limit: 10 } },
    ]) {
      await expect(socket.request(frame)).rejects.toMatchObject({ data: { code: 'forbidden' } });
    }
    const rest = await api.request('GET', `/api/v1/conversations/${conversationId}/messages`, { token: eve.accessToken });
    expect(rest).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const viaRest = await api.request('GET', `/api/v1/conversations/${conversationId}`, { token: eve.accessToken });
    expect(viaRest.status).toBe(403);
    // Eve never saw a message of that conversation.
    await api.request('POST', `/api/v1/conversations/${conversationId}/messages`, { token: alice.accessToken, body: { text: 'private' } });
    const marker = socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
    await socket.waitFor((f) => f.action === 'heartbeat' && f.data.ref === marker);
    expect(socket.messages(conversationId)).toEqual([]);
    await socket.close();
  });

  it('closes a socket from a foreign Origin with 4003, and allows its own and localhost', async () => {
    const foreign = await TestSocket.open(server.wsUrl, { origin: 'https://evil.example' });
    expect(await foreign.closed).toEqual({ code: 4003, reason: 'origin not allowed' });
    const own = await TestSocket.open(server.wsUrl, { origin: server.url });
    await own.authenticate(alice.accessToken);
    await own.close();
    const local = await TestSocket.open(server.wsUrl, { origin: 'http://localhost:5173' });
    await local.authenticate(alice.accessToken);
    await local.close();
  });

  it('trips the rate limit with coded errors, then recovers', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    for (let i = 0; i < 15; i++) socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
    // Every frame gets exactly one answer: a heartbeat reply or a rate_limited error.
    const isAnswer = (f: { action: string; data: unknown }) =>
      f.action === 'heartbeat' || (f.action === 'error' && (f.data as { code: string }).code === 'rate_limited');
    await socket.waitForCount(isAnswer, 15);
    const limited = socket.frames.filter((f) => f.action === 'error' && f.data.code === 'rate_limited');
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(limited[0]?.data).toMatchObject({ code: 'rate_limited', details: { retryAfterMs: expect.any(Number) } });
    // Recovery is a matter of the bucket's own clock: wait the advertised refill time, then it serves again.
    const retryAfter = (limited[0]!.data as { details: { retryAfterMs: number } }).details.retryAfterMs;
    await new Promise((resolve) => setTimeout(resolve, retryAfter + 200));
    const ping = socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
    const pong = await socket.waitFor((f) => (f.action === 'heartbeat' || f.action === 'error') && f.data.ref === ping);
    expect(pong.action).toBe('heartbeat');
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    await socket.close();
  });

  it('closes with 4008 after repeated abuse', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    for (let i = 0; i < 30; i++) socket.sendRaw('garbage');
    expect((await socket.closed).code).toBe(4008);
  });
});
