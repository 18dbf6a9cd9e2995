/**
 * Every error frame names the frame it answers (`ref`) whenever that frame's id can be read: so a
 * client settles the request at once instead of waiting for its timeout. Covers each path of the
 * frame router (too big, over the rate, binary, bad JSON, invalid frame, no action, unknown action,
 * before authentication, and the frames that end the socket: past the bad-frame limit, a malformed
 * `authenticate`, bad UTF-8) and that a client honouring `retryAfterMs` is never closed for its overruns.
 */
import type { AuthResponse, ServerFrame } from '@herald/protocol';
import { ApiClient, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let alice: AuthResponse;

beforeAll(async () => {
  server = await startTestServer({ env: { HERALD_MAX_FRAME_BYTES: '2048', HERALD_RATE_PER_SECOND: '10', HERALD_RATE_BURST: '5' } });
  alice = await new ApiClient(server.url).register('Alice');
});
afterAll(() => server.destroy());

const errorFor = (socket: TestSocket, ref: string) => socket.waitForNext((f) => f.action === 'error' && f.data.ref === ref);
const codeOf = (frame: ServerFrame) => (frame.data as { code: string }).code;
const frameText = (id: string, data: unknown, action = 'send_message') =>
  JSON.stringify({ id, type: 'text', action, data, timestamp: Date.now() });

describe('error frames carry ref', () => {
  it('for a frame over the size limit, read from its start without parsing it', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const reply = errorFor(socket, 'big-1');
    socket.sendRaw(frameText('big-1', { conversationId: 'c', text: 'x'.repeat(4000) }));
    expect(codeOf(await reply)).toBe('too_big');
    await socket.close();
  });

  it('for a binary frame whose bytes are JSON', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const reply = errorFor(socket, 'bin-1');
    socket.sendRaw(Buffer.from(frameText('bin-1', {}, 'heartbeat')));
    expect(codeOf(await reply)).toBe('invalid_frame');
    await socket.close();
  });

  it('for bad JSON, an invalid frame and an unknown action', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    let reply = errorFor(socket, 'json-1');
    socket.sendRaw('{"id":"json-1","type":"text","action":"send_message","data":{');
    expect(codeOf(await reply)).toBe('bad_json');
    reply = errorFor(socket, 'invalid-1');
    socket.sendRaw(frameText('invalid-1', { conversationId: 42 }));
    expect(codeOf(await reply)).toBe('invalid_frame');
    reply = errorFor(socket, 'unknown-1');
    socket.sendRaw(frameText('unknown-1', {}, 'launch_rockets'));
    expect(codeOf(await reply)).toBe('unknown_action');
    await socket.close();
  });

  it('for a request before authentication', async () => {
    const socket = await TestSocket.open(server.wsUrl);
    const reply = errorFor(socket, 'early-1');
    socket.sendRaw(JSON.stringify({ id: 'early-1', type: 'control', action: 'subscribe', data: { conversationId: 'c' }, timestamp: 1 }));
    expect(codeOf(await reply)).toBe('not_authenticated');
    await socket.close();
  });

  it('for a frame with no action, and one that is not an object (which has no id to name)', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const reply = errorFor(socket, 'noaction-1');
    socket.sendRaw(JSON.stringify({ id: 'noaction-1', data: {} }));
    expect(codeOf(await reply)).toBe('invalid_frame');
    const bare = socket.waitForNext((f) => f.action === 'error');
    socket.sendRaw('[{"id":"in-array"}]');
    expect((await bare).data).toEqual({ code: 'invalid_frame', message: expect.any(String) });
    await socket.close();
  });

  it('for a frame over the rate before authentication', async () => {
    const socket = await TestSocket.open(server.wsUrl);
    const ids = Array.from({ length: 8 }, (_, i) => `early-hb-${i}`);
    for (const id of ids) socket.sendFrame({ id, action: 'heartbeat', type: 'heartbeat', data: {} });
    const answers = await socket.waitForCount((f) => ids.includes(String((f.data as { ref?: unknown }).ref)), 8);
    expect(answers.some((f) => f.action === 'error' && codeOf(f) === 'rate_limited')).toBe(true);
    await socket.close();
  });

  it('for the frames that end the socket: the one past the bad-frame limit (4008), a malformed authenticate (4001), bad UTF-8 (1007)', async () => {
    const strikes = await TestSocket.connect(server.wsUrl, alice.accessToken);
    let closed = false;
    void strikes.closed.then(() => {
      closed = true;
    });
    // What is left of the rate's burst (authenticate took a token) at once, then paced under the
    // rate (10/s): every frame is a strike and none a rate overrun, and they come faster than the
    // strike budget (10, +1/s) refills. Each, the one that ends the socket included, gets its error.
    let sent = 0;
    while (!closed && sent < 20) {
      const id = `bad-${sent++}`;
      const reply = errorFor(strikes, id);
      strikes.sendRaw(`{"id":"${id}","action":`);
      expect(codeOf(await reply)).toBe('bad_json');
      if (sent >= 4) await new Promise((resolve) => setTimeout(resolve, 110));
    }
    expect(sent).toBeLessThan(20);
    expect((await strikes.closed).code).toBe(4008);

    const auth = await TestSocket.open(server.wsUrl);
    const authReply = errorFor(auth, 'auth-bad');
    auth.sendRaw(JSON.stringify({ id: 'auth-bad', type: 'control', action: 'authenticate', data: { device: {} }, timestamp: 1 }));
    expect(codeOf(await authReply)).toBe('invalid_frame');
    expect(await auth.closed).toEqual({ code: 4001, reason: 'invalid_frame' });

    const utf8 = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const utf8Reply = errorFor(utf8, 'not-utf8');
    utf8.ws.send(Buffer.concat([Buffer.from('{"id":"not-utf8","data":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]), {
      binary: false,
    });
    expect(codeOf(await utf8Reply)).toBe('bad_json');
    expect((await utf8.closed).code).toBe(1007);
  });

  it('for every frame over the rate, each naming its own frame', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    const ids = Array.from({ length: 9 }, (_, i) => `hb-${i}`);
    for (const id of ids) socket.sendFrame({ id, action: 'heartbeat', type: 'heartbeat', data: {} });
    const answers = await socket.waitForCount(
      (f) => (f.action === 'heartbeat' || f.action === 'error') && ids.includes(String(f.data.ref)),
      9,
    );
    const limited = answers.filter((f) => f.action === 'error');
    expect(limited.length).toBeGreaterThanOrEqual(3);
    for (const frame of limited) expect(frame.data).toMatchObject({ code: 'rate_limited', details: { retryAfterMs: expect.any(Number) } });
    expect(new Set(answers.map((f) => (f.data as { ref?: string }).ref))).toEqual(new Set(ids));
    await socket.close();
  });
});

describe('rate overruns and strikes', () => {
  it('never closes a client that waits out each retryAfterMs, however often it is limited', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    let limited = 0;
    // Stop-and-wait at full speed: every other frame overruns, far more than the 10 strikes tolerated.
    for (let i = 0; i < 40; i++) {
      const id = `pace-${i}`;
      for (;;) {
        socket.sendFrame({ id, action: 'heartbeat', type: 'heartbeat', data: {} });
        const reply = await socket.waitForNext((f) => (f.action === 'heartbeat' || f.action === 'error') && f.data.ref === id);
        if (reply.action === 'heartbeat') break;
        limited++;
        const { retryAfterMs } = (reply.data as { details: { retryAfterMs: number } }).details;
        await new Promise((resolve) => setTimeout(resolve, retryAfterMs + 2));
      }
    }
    expect(limited).toBeGreaterThan(15);
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    await socket.close();
  });

  it('closes a client that keeps sending before its retryAfterMs (4008)', async () => {
    const socket = await TestSocket.connect(server.wsUrl, alice.accessToken);
    for (let i = 0; i < 40; i++) socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
    expect((await socket.closed).code).toBe(4008);
  });
});
