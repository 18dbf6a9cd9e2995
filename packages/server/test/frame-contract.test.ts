/**
 * The frame contract of issue 21, one test per item, on a real server over real sockets, on SQLite
 * and PostgreSQL: racing duplicates get one `duplicate:false` (3), error frames carry `ref` (4) and
 * echo a valid id whole, never cut, and an invalid one not at all (5), `subscribe` past the end
 * answers the true last seq (6), a malformed `authenticate` closes at once with 4001 (7), invalid
 * UTF-8 gets an error frame before its 1007 close (8), and a frame that is not a JSON object gets
 * `invalid_frame` (10). What each answer is: docs/protocol.md.
 */
import { randomUUID } from 'node:crypto';
import type { AuthResponse, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

const isError = (f: ServerFrame): f is ServerFrameOf<'error'> => f.action === 'error';
const isAck = (f: ServerFrame): f is ServerFrameOf<'ack'> => f.action === 'ack';
const refOf = (f: ServerFrame) => (f.data as { ref?: unknown }).ref;

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`frame contract on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let alice: AuthResponse;
    let bob: AuthResponse;
    let conversationId: string;
    const sockets: TestSocket[] = [];

    async function connect(auth: AuthResponse): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    }

    async function open(): Promise<TestSocket> {
      const socket = await TestSocket.open(server.wsUrl);
      sockets.push(socket);
      return socket;
    }

    /** Every frame `socket` was sent before this call has arrived (a heartbeat's reply follows them on the socket). */
    async function settled(socket: TestSocket): Promise<void> {
      const id = randomUUID();
      const reply = socket.waitForNext((f) => f.action === 'heartbeat' && f.data.ref === id);
      socket.sendFrame({ id, action: 'heartbeat', type: 'heartbeat', data: {} });
      await reply;
    }

    beforeAll(async () => {
      // A long auth timeout: a socket closed within a second was closed by the frame, not the timer.
      server = await startTestServer({
        database,
        env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000', HERALD_AUTH_TIMEOUT_MS: '60000' },
      });
      api = new ApiClient(server.url);
      ({ alice, bob, conversationId } = await api.directPair());
    });

    afterAll(async () => {
      for (const socket of sockets) socket.ws.terminate();
      await server.destroy();
    });

    it('3: racing identical send_message frames make one message, one broadcast and exactly one duplicate:false ack', async () => {
      const a = await connect(alice);
      const b = await connect(bob);
      const id = randomUUID();
      const text = JSON.stringify({ id, type: 'text', action: 'send_message', data: { conversationId, text: 'once' }, timestamp: 1 });
      for (let i = 0; i < 5; i++) a.sendRaw(text);
      const acks = (await a.waitForCount((f) => isAck(f) && f.data.ref === id, 5)) as ServerFrameOf<'ack'>[];
      const results = acks.map((f) => f.data.result as { messageId: string; seq: number; duplicate: boolean });
      // Each frame gets its own reply, in the order sent: the first created the message, the rest are repeats.
      expect(results.map((r) => r.duplicate)).toEqual([false, true, true, true, true]);
      expect(new Set(results.map((r) => `${r.messageId}/${r.seq}`)).size).toBe(1);
      await settled(b);
      expect(b.frames.filter((f) => f.action === 'new_message' && f.data.clientId === id)).toHaveLength(1);
    });

    it('3: racing REST sends with one clientId: one 201, the rest 200 duplicate:true, one message', async () => {
      const clientId = randomUUID();
      const path = `/api/v1/conversations/${conversationId}/messages`;
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          api.request<{ message: { id: string }; duplicate: boolean }>('POST', path, {
            token: alice.accessToken,
            body: { text: 'rest once', clientId },
          }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
      for (const answer of answers) expect(answer.body.duplicate).toBe(answer.status === 200);
      expect(new Set(answers.map((a) => a.body.message.id)).size).toBe(1);
    });

    it('4: every error raised before routing names its frame (ref), the one that trips 4008 included', async () => {
      const socket = await connect(alice);
      const cases: [string, string | Buffer, string][] = [
        ['bin-4', Buffer.from('{"id":"bin-4","action":"heartbeat"}'), 'invalid_frame'],
        ['json-4', '{"id":"json-4","action":', 'bad_json'],
        ['invalid-4', JSON.stringify({ id: 'invalid-4', type: 'text', action: 'send_message', data: {}, timestamp: 1 }), 'invalid_frame'],
        ['unknown-4', JSON.stringify({ id: 'unknown-4', type: 'control', action: 'nope', data: {}, timestamp: 1 }), 'unknown_action'],
        ['noaction-4', JSON.stringify({ id: 'noaction-4', data: {} }), 'invalid_frame'],
      ];
      for (const [id, raw, code] of cases) {
        const reply = socket.waitForNext((f) => isError(f) && f.data.ref === id);
        socket.sendRaw(raw);
        expect((await reply).data).toMatchObject({ code });
      }
      // Ten strikes are tolerated per ~10 s: the frames past them each still get their error, then 4008.
      const ids = Array.from({ length: 12 }, (_, i) => `strike-${i}`);
      for (const id of ids) socket.sendRaw(`{"id":"${id}",`);
      const closed = await socket.closed;
      expect(closed.code).toBe(4008);
      const answered = socket.frames.filter((f) => isError(f) && ids.includes(String(f.data.ref)));
      expect(answered.length).toBeGreaterThanOrEqual(6);
      expect(answered.map(refOf)).toEqual(ids.slice(0, answered.length));
    });

    it('4: before authentication, an unknown action and a request each name their frame', async () => {
      const socket = await open();
      for (const [id, action, code] of [
        ['pre-unknown', 'launch', 'unknown_action'],
        ['pre-history', 'history', 'not_authenticated'],
      ] as const) {
        const reply = socket.waitForNext((f) => isError(f) && f.data.ref === id);
        socket.sendRaw(JSON.stringify({ id, type: 'control', action, data: { conversationId }, timestamp: 1 }));
        expect((await reply).data).toMatchObject({ code });
      }
    });

    it('5: a valid id of 64 code points (emoji) comes back whole, on an ack and on every error', async () => {
      const socket = await connect(alice);
      const id = `a${'😀'.repeat(62)}é`; // 64 code points, 126 UTF-16 units
      expect([...id]).toHaveLength(64);
      const ack = socket.waitForNext((f) => isAck(f) && f.data.ref === id);
      socket.sendRaw(
        JSON.stringify({ id, type: 'text', action: 'send_message', data: { conversationId, text: 'emoji id' }, timestamp: 1 }),
      );
      expect(((await ack) as ServerFrameOf<'ack'>).data.result).toMatchObject({ duplicate: false });
      for (const [action, type, data, code] of [
        ['launch', 'control', {}, 'unknown_action'],
        ['send_message', 'text', { conversationId: 42 }, 'invalid_frame'],
        ['history', 'control', { conversationId: 'nope' }, 'forbidden'],
      ] as const) {
        const reply = socket.waitForNext(isError);
        socket.sendRaw(JSON.stringify({ id, type, action, data, timestamp: 1 }));
        expect((await reply).data).toMatchObject({ code, ref: id });
      }
      // Read without parsing (bad JSON): the same id, whole.
      const reply = socket.waitForNext((f) => isError(f) && f.data.code === 'bad_json');
      socket.sendRaw(`{"id":"${id}","action":`);
      expect(refOf(await reply)).toBe(id);
    });

    it('5: an invalid id (65 code points, a lone surrogate, not a string) is never echoed: the error has no ref', async () => {
      const socket = await connect(alice);
      const tooLong = `${'😀'.repeat(64)}x`;
      const frames: string[] = [
        JSON.stringify({ id: tooLong, type: 'control', action: 'history', data: { conversationId }, timestamp: 1 }),
        JSON.stringify({ id: tooLong, type: 'control', action: 'launch', data: {}, timestamp: 1 }),
        JSON.stringify({ id: 'ab\ud83d', type: 'control', action: 'history', data: { conversationId }, timestamp: 1 }),
        JSON.stringify({ id: 42, type: 'control', action: 'history', data: { conversationId }, timestamp: 1 }),
        `{"id":"${tooLong}","action":`,
      ];
      for (const raw of frames) socket.sendRaw(raw);
      await settled(socket);
      const errors = socket.frames.filter(isError);
      expect(errors.map((f) => f.data.code)).toEqual(['invalid_frame', 'unknown_action', 'invalid_frame', 'invalid_frame', 'bad_json']);
      for (const error of errors) expect(error.data).not.toHaveProperty('ref');
    });

    it('6: subscribe with since past the last seq answers the true last seq, and live messages follow', async () => {
      const { alice: a1, bob: b1, conversationId: c } = await api.directPair();
      for (let i = 0; i < 3; i++) await api.sendText(a1.accessToken, c, `m${i}`);
      const socket = await connect(b1);
      for (const ackFirst of [false, true]) {
        const result = await socket.request({ action: 'subscribe', type: 'control', data: { conversationId: c, since: 1125, ackFirst } });
        expect(result).toEqual({ conversationId: c, lastSeq: 3, firstSeq: 1 });
      }
      await api.sendText(a1.accessToken, c, 'live');
      const live = await socket.waitFor((f) => f.action === 'new_message' && f.data.conversationId === c);
      expect(live.data).toMatchObject({ seq: 4, text: 'live' });
    });

    it('7: a malformed authenticate (no token, unknown deviceType, no device) gets invalid_frame with ref, then 4001 at once', async () => {
      const device = { deviceType: 'desktop', deviceId: 'd-1' };
      const bodies = [
        { device },
        { token: alice.accessToken, device: { deviceType: 'toaster', deviceId: 'd-1' } },
        { token: alice.accessToken },
      ];
      for (const [index, data] of bodies.entries()) {
        const socket = await open();
        const id = `auth-${index}`;
        const started = Date.now();
        socket.sendRaw(JSON.stringify({ id, type: 'control', action: 'authenticate', data, timestamp: 1 }));
        const closed = await Promise.race([
          socket.closed,
          new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 2_000).unref()),
        ]);
        expect(closed, `authenticate ${JSON.stringify(data)} left the socket open`).toEqual({ code: 4001, reason: 'invalid_frame' });
        expect(Date.now() - started).toBeLessThan(2_000);
        const error = socket.frames.find(isError);
        expect(error?.data).toMatchObject({ code: 'invalid_frame', ref: id });
      }
    });

    it('7: two authenticate frames back to back: one connected, the other already_authenticated with its ref (found by the fuzzer: it got no reply)', async () => {
      const socket = await open();
      const device = { deviceType: 'desktop', deviceId: 'twice' };
      for (const id of ['auth-1', 'auth-2'])
        socket.sendFrame({ id, action: 'authenticate', type: 'control', data: { token: alice.accessToken, device } });
      const refused = await socket.waitFor((f) => isError(f) && refOf(f) === 'auth-2');
      // Refused while the first was still being checked: its error comes before the one `connected`.
      expect(socket.frames.findIndex((f) => f === refused)).toBeLessThan(socket.frames.findIndex((f) => f.action === 'connected') >>> 0);
      expect(refused.data).toMatchObject({ code: 'already_authenticated', ref: 'auth-2' });
      // A heartbeat is answered while a token is still checked, so wait for `connected` itself first.
      await socket.waitFor((f) => f.action === 'connected');
      await settled(socket);
      expect(socket.frames.filter((f) => f.action === 'connected')).toHaveLength(1);
    });

    it('8: a text frame that is not UTF-8 gets an error frame with its ref, then a 1007 close', async () => {
      const socket = await connect(alice);
      const bytes = Buffer.concat([
        Buffer.from('{"id":"utf-8","type":"heartbeat","action":"heartbeat","data":{"x":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}}'),
      ]);
      socket.ws.send(bytes, { binary: false });
      const closed = await socket.closed;
      expect(closed.code).toBe(1007);
      expect(socket.frames.find(isError)?.data).toMatchObject({ code: 'bad_json', ref: 'utf-8' });
    });

    it('10: a frame that is not a JSON object (array, number, null, string, boolean, binary) gets invalid_frame', async () => {
      const socket = await connect(alice);
      const raws: (string | Buffer)[] = ['[1,2]', '42', 'null', '"send_message"', 'true', Buffer.from([1, 2, 3])];
      for (const raw of raws) socket.sendRaw(raw);
      await settled(socket);
      expect(socket.frames.filter(isError).map((f) => f.data.code)).toEqual(raws.map(() => 'invalid_frame'));
    });
  });
}
