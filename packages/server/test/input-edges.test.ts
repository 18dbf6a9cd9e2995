/**
 * Input edges (issue 21, items 1, 2 and 9), on SQLite and PostgreSQL: text no database can store
 * as sent (NUL, U+0000; unpaired surrogates, U+D800–U+DFFF) is refused at the edge with a coded
 * answer naming the field — `bad_request` (400) over REST, `invalid_frame` on the socket — for every
 * text field a client sends, never `internal`; emoji, CJK and right-to-left text come back byte for
 * byte, live and stored; "any JSON" fields nested deeper than JSON_MAX_DEPTH are refused the same
 * way (5,000 and 100,000 levels too), and the server keeps serving.
 */

import { randomUUID } from 'node:crypto';
import {
  type AuthResponse,
  JSON_MAX_BYTES,
  JSON_MAX_DEPTH,
  type SendMessageResult,
  type ServerFrame,
  type ServerFrameOf,
} from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

/** Text no database stores as sent: NUL, a high surrogate with no low one after it, a low one alone. */
const BAD: Record<string, string> = {
  NUL: 'a\u0000b',
  'lone high surrogate': 'a\uD800b',
  'lone low surrogate': '\uDC00z',
};

/** Emoji (skin tone, ZWJ sequence, flag), CJK, Hebrew and Arabic, a combining accent and a right-to-left mark. */
const RICH = 'Zoë 👩🏽‍💻 🇯🇵 你好，世界 שלום עולם مرحبا بالعالم e\u0301 \u200f!';

/** `{"a":{"a":…1…}}`, `levels` objects deep, as text (JSON.stringify itself would overflow the stack). */
/** `{"a":{"a":…1}}`, `levels` objects deep: 6 bytes a level. */
const deepJson = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** `[[…]]`, `levels` arrays deep: 2 bytes a level, so 100,000 levels stay under the socket's hard cap (too_big, not a 1009 close). */
const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

interface ErrorBody {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`input edges on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    let alice: AuthResponse;
    let bob: AuthResponse;
    let conversationId: string;
    let apiKey: string;
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

    /** A raw HTTP request whose body is sent as given (a string is sent verbatim). */
    async function raw(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : undefined) as ErrorBody };
    }

    const bearer = (auth: AuthResponse) => ({ authorization: `Bearer ${auth.accessToken}` });

    /** The answer is a 400 `bad_request` whose details name `field`. */
    function expectRefused(answer: { status: number; body: ErrorBody }, field: string): void {
      expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status: 400, code: 'bad_request' });
      expect(answer.body.error.details?.map((issue) => issue.path)).toContain(field);
    }

    /** The socket answers the frame `id` with `invalid_frame` naming `field`. */
    async function expectInvalidFrame(socket: TestSocket, frame: Record<string, unknown>, field: string): Promise<void> {
      const id = typeof frame.id === 'string' ? frame.id : randomUUID();
      const reply = socket.waitForNext((f) => f.action === 'error' && (f.data.ref === id || frame.id !== undefined));
      socket.sendRaw(JSON.stringify({ timestamp: Date.now(), ...frame, id }));
      const error = (await reply) as ServerFrameOf<'error'>;
      expect(error.data.code).toBe('invalid_frame');
      expect((error.data.details as { path: string }[] | undefined)?.map((issue) => issue.path)).toContain(field);
    }

    beforeAll(async () => {
      server = await startTestServer({
        database,
        env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000', HERALD_ERROR_REPORT_RATE_LIMIT: '10000' },
      });
      api = new ApiClient(server.url);
      admin = await api.register('Admin');
      ({ alice, bob, conversationId } = await api.directPair());
      const created = await api.request<{ key: string }>('POST', '/api/v1/admin/api-keys', {
        body: { name: 'edges', scopes: ['messages', 'notifications', 'events'], senderIds: ['*'] },
        token: admin.accessToken,
      });
      apiKey = created.body.key;
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server?.destroy();
    });

    describe.each(Object.entries(BAD))('%s', (_name, bad) => {
      /** Every JSON body field a client writes as text: [route, field, request]. */
      const bodies: [string, string, () => [string, string, unknown, Record<string, string>?]][] = [
        [
          'register',
          'name',
          () => ['POST', '/api/v1/auth/register', { email: `${randomUUID()}@e.test`, password: 'long enough', name: bad }],
        ],
        [
          'register',
          'deviceName',
          () => ['POST', '/api/v1/auth/register', { email: `${randomUUID()}@e.test`, password: 'long enough', name: 'N', deviceName: bad }],
        ],
        ['register', 'email', () => ['POST', '/api/v1/auth/register', { email: `${bad}@e.test`, password: 'long enough', name: 'N' }]],
        ['login', 'email', () => ['POST', '/api/v1/auth/login', { email: `${bad}@e.test`, password: 'long enough' }]],
        ['login', 'deviceName', () => ['POST', '/api/v1/auth/login', { email: 'x@e.test', password: 'long enough', deviceName: bad }]],
        ['group', 'title', () => ['POST', '/api/v1/conversations', { kind: 'group', title: bad, memberIds: [] }, bearer(alice)]],
        ['direct', 'userId', () => ['POST', '/api/v1/conversations', { kind: 'direct', userId: bad }, bearer(alice)]],
        ['send', 'text', () => ['POST', `/api/v1/conversations/${conversationId}/messages`, { text: bad }, bearer(alice)]],
        [
          'send',
          'clientId',
          () => ['POST', `/api/v1/conversations/${conversationId}/messages`, { text: 'x', clientId: bad }, bearer(alice)],
        ],
        ['send', 'replyTo', () => ['POST', `/api/v1/conversations/${conversationId}/messages`, { text: 'x', replyTo: bad }, bearer(alice)]],
        [
          'send',
          'attachment.name',
          () => [
            'POST',
            `/api/v1/conversations/${conversationId}/messages`,
            { type: 'file', attachment: { fileId: randomUUID(), name: bad } },
            bearer(alice),
          ],
        ],
        ['add members', 'userIds.0', () => ['POST', `/api/v1/conversations/${conversationId}/members`, { userIds: [bad] }, bearer(alice)]],
        ['error report', 'message', () => ['POST', '/api/v1/errors', { message: bad }]],
        ['error report', 'stack', () => ['POST', '/api/v1/errors', { message: 'm', stack: bad }]],
        ['error report', 'componentStack', () => ['POST', '/api/v1/errors', { message: 'm', componentStack: bad }]],
        ['error report', 'url', () => ['POST', '/api/v1/errors', { message: 'm', url: bad }]],
        ['error report', 'userAgent', () => ['POST', '/api/v1/errors', { message: 'm', userAgent: bad }]],
        ['broadcast', 'title', () => ['POST', '/api/v1/admin/notifications', { title: bad }, bearer(admin)]],
        ['broadcast', 'message', () => ['POST', '/api/v1/admin/notifications', { title: 't', message: bad }, bearer(admin)]],
        ['api key', 'name', () => ['POST', '/api/v1/admin/api-keys', { name: bad, scopes: ['events'] }, bearer(admin)]],
        [
          'publish message',
          'text',
          () => [
            'POST',
            '/api/v1/publish',
            { kind: 'message', senderId: alice.user.id, conversationId, text: bad },
            { authorization: `Bearer ${apiKey}` },
          ],
        ],
        [
          'publish message',
          'clientId',
          () => [
            'POST',
            '/api/v1/publish',
            { kind: 'message', senderId: alice.user.id, conversationId, text: 'x', clientId: bad },
            { authorization: `Bearer ${apiKey}` },
          ],
        ],
        [
          'publish notification',
          'title',
          () => [
            'POST',
            '/api/v1/publish',
            { kind: 'notification', title: bad, audience: { kind: 'all' } },
            { authorization: `Bearer ${apiKey}` },
          ],
        ],
        [
          'publish notification',
          'message',
          () => [
            'POST',
            '/api/v1/publish',
            { kind: 'notification', title: 't', message: bad, audience: { kind: 'all' } },
            { authorization: `Bearer ${apiKey}` },
          ],
        ],
      ];

      it.each(bodies)('REST %s: %s is refused with a coded 400 naming it', async (_route, field, request) => {
        const [method, path, body, headers] = request();
        expectRefused(await raw(method, path, body, headers), field);
      });

      it('socket send_message: text, the frame id, conversationId, replyTo and attachment.name are refused with invalid_frame naming the field', async () => {
        const socket = await connect(alice);
        const send = (data: Record<string, unknown>, type = 'text') => ({
          action: 'send_message',
          type,
          data: { conversationId, ...data },
        });
        await expectInvalidFrame(socket, send({ text: bad }), 'data.text');
        await expectInvalidFrame(socket, { ...send({ text: 'x' }), id: bad }, 'id');
        await expectInvalidFrame(socket, send({ text: 'x', conversationId: bad }), 'data.conversationId');
        await expectInvalidFrame(socket, send({ text: 'x', replyTo: bad }), 'data.replyTo');
        await expectInvalidFrame(socket, send({ attachment: { fileId: randomUUID(), name: bad } }, 'file'), 'data.attachment.name');
        await expectInvalidFrame(socket, { action: 'subscribe', type: 'control', data: { conversationId: bad } }, 'data.conversationId');
        // Nothing was stored: the conversation is as empty as before, and the socket still serves.
        const ack = (await socket.request({
          action: 'send_message',
          type: 'text',
          data: { conversationId, text: 'after' },
        })) as SendMessageResult;
        const { messages } = await api.rest.conversations.history({ params: { id: conversationId }, query: {}, token: alice.accessToken });
        expect(messages.filter((m) => m.text.includes(bad))).toEqual([]);
        expect(messages.at(-1)).toMatchObject({ id: ack.messageId, text: 'after' });
      });

      it('socket authenticate: device.name and device.deviceId are refused with invalid_frame naming the field', async () => {
        // A malformed authenticate may also end the socket after its error frame: a fresh socket for each.
        const authenticate = (device: Record<string, unknown>) => ({
          action: 'authenticate',
          type: 'control',
          data: { token: alice.accessToken, device: { deviceType: 'desktop', deviceId: 'd-1', ...device } },
        });
        await expectInvalidFrame(await open(), authenticate({ name: bad }), 'data.device.name');
        await expectInvalidFrame(await open(), authenticate({ deviceId: bad }), 'data.device.deviceId');
      });

      it.skipIf(bad !== BAD.NUL)(
        'REST query and path: NUL in the user search query and in path ids is refused naming the field',
        async () => {
          expectRefused(await raw('GET', '/api/v1/users?query=a%00b', undefined, bearer(alice)), 'query');
          expectRefused(await raw('GET', '/api/v1/conversations/a%00b', undefined, bearer(alice)), 'id');
          expectRefused(await raw('GET', '/api/v1/conversations/a%00b/messages', undefined, bearer(alice)), 'id');
          expectRefused(await raw('PUT', '/api/v1/users/a%00b/role', { role: 'user' }, bearer(admin)), 'id');
          expectRefused(await raw('DELETE', '/api/v1/auth/sessions/a%00b', undefined, bearer(alice)), 'id');
          expectRefused(await raw('GET', '/api/v1/files/a%00b/info', undefined, bearer(alice)), 'id');
          expectRefused(await raw('GET', `/api/v1/presence?userIds=${bob.user.id},a%00b`, undefined, bearer(alice)), 'userIds.1');
        },
      );
    });

    describe('valid text round-trips byte for byte', () => {
      it('a socket message: the ack, the live copy and the stored copy are the text sent', async () => {
        const [a, b] = [await connect(alice), await connect(bob)];
        const ack = (await a.request({ action: 'send_message', type: 'text', data: { conversationId, text: RICH } })) as SendMessageResult;
        const live = await b.waitFor((f) => f.action === 'new_message' && f.data.id === ack.messageId);
        expect((live as ServerFrameOf<'new_message'>).data.text).toBe(RICH);
        const { messages } = await api.rest.conversations.history({ params: { id: conversationId }, query: {}, token: bob.accessToken });
        expect(messages.find((m) => m.id === ack.messageId)?.text).toBe(RICH);
      });

      it('a REST message and a published one: live and stored copies are the text sent', async () => {
        const b = await connect(bob);
        const posted = await api.rest.conversations.send({
          params: { id: conversationId },
          body: { text: RICH },
          token: alice.accessToken,
        });
        const published = await raw(
          'POST',
          '/api/v1/publish',
          { kind: 'message', senderId: alice.user.id, conversationId, text: `${RICH}²` },
          { authorization: `Bearer ${apiKey}` },
        );
        expect(published.status).toBe(201);
        const publishedId = (published.body as unknown as { message: { id: string } }).message.id;
        const live = await b.waitFor((f) => f.action === 'new_message' && f.data.id === posted.message.id);
        const livePublished = await b.waitFor((f) => f.action === 'new_message' && f.data.id === publishedId);
        expect([(live as ServerFrameOf<'new_message'>).data.text, (livePublished as ServerFrameOf<'new_message'>).data.text]).toEqual([
          RICH,
          `${RICH}²`,
        ]);
        const { messages } = await api.rest.conversations.history({ params: { id: conversationId }, query: {}, token: bob.accessToken });
        expect(messages.find((m) => m.id === posted.message.id)?.text).toBe(RICH);
        expect(messages.find((m) => m.id === publishedId)?.text).toBe(`${RICH}²`);
      });

      it('a group title, a registration name (found by search) and an error report are stored as sent', async () => {
        const name = `${RICH} ${randomUUID().slice(0, 6)}`;
        const user = await api.rest.auth.register({ body: { email: `${randomUUID()}@e.test`, password: 'long enough', name } });
        expect(user.user.name).toBe(name);
        expect((await api.rest.auth.me({ token: user.accessToken })).user.name).toBe(name);
        const found = await api.rest.users.search({ query: { query: '你好，世界 שלום' }, token: alice.accessToken });
        expect(found.users.map((u) => u.name)).toContain(name);

        const { conversation } = await api.rest.conversations.create({
          body: { kind: 'group', title: RICH, memberIds: [bob.user.id] },
          token: alice.accessToken,
        });
        const stored = await api.rest.conversations.get({ params: { id: conversation.id }, token: bob.accessToken });
        expect(stored.conversation.title).toBe(RICH);

        const report = await raw('POST', '/api/v1/errors', { message: RICH, stack: RICH });
        expect(report.status).toBe(201);
        const { reports } = await api.rest.admin.errorReports({ query: {}, token: admin.accessToken });
        expect(reports.find((r) => r.id === (report.body as unknown as { id: string }).id)).toMatchObject({ message: RICH, stack: RICH });
      });
    });

    describe('"any JSON" fields are bounded in depth and size', () => {
      const direct = (payload: string) =>
        raw('POST', '/api/v1/admin/direct', `{"target":{"userId":"${bob.user.id}"},"event":"deep","payload":${payload}}`, bearer(admin));
      const publishEvent = (payload: string) =>
        raw('POST', '/api/v1/publish', `{"kind":"event","target":{"userId":"${bob.user.id}"},"event":"deep","payload":${payload}}`, {
          authorization: `Bearer ${apiKey}`,
        });

      // 20,000 levels (6 bytes each) is as deep as a body within the routes' 128 KiB limit goes.
      it.each([JSON_MAX_DEPTH + 1, 5_000, 20_000])(
        '%i levels: /admin/direct and /publish answer a coded 400 naming payload',
        async (levels) => {
          expectRefused(await direct(deepJson(levels)), 'payload');
          expectRefused(await publishEvent(deepJson(levels)), 'payload');
          // Still serving.
          expect((await api.request('GET', '/api/v1/health/live')).status).toBe(200);
        },
      );

      it('as deep as the body limit allows, in a typed field or around a __proto__ key, is a coded 400 from the body parser or the schema', async () => {
        // Register takes 8 KiB: 3,000 array levels (2 bytes each), 1,000 object levels (6 bytes each).
        const body = `{"email":"deep@e.test","password":"long enough","name":${deepArray(3_000)}}`;
        expectRefused(await raw('POST', '/api/v1/auth/register', body), 'name');
        const poisoned = await raw(
          'POST',
          '/api/v1/auth/register',
          `{"name":${'{"a":'.repeat(1_000)}{"__proto__":{}}${'}'.repeat(1_000)}}`,
        );
        expect({ status: poisoned.status, code: poisoned.body.error.code }).toEqual({ status: 400, code: 'bad_request' });
        expect((await api.request('GET', '/api/v1/health/live')).status).toBe(200);
      });

      it('100,000 levels is past every route body limit: a coded 413 naming the limit, before any parsing', async () => {
        for (const [path, body] of [
          ['/api/v1/auth/register', `{"email":"deep@e.test","password":"long enough","name":${deepArray(100_000)}}`],
          ['/api/v1/auth/register', `{"name":${'{"a":'.repeat(100_000)}{"__proto__":{}}${'}'.repeat(100_000)}}`],
        ] as const) {
          const answer = await raw('POST', path, body);
          expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status: 413, code: 'too_big' });
          expect(answer.body.error.details).toMatchObject({ limit: 'http_body' });
        }
        const direct100k = await direct(deepJson(100_000));
        expect({ status: direct100k.status, code: direct100k.body.error.code }).toEqual({ status: 413, code: 'too_big' });
        const publish100k = await publishEvent(deepJson(100_000));
        expect({ status: publish100k.status, code: publish100k.body.error.code }).toEqual({ status: 413, code: 'too_big' });
        expect((await api.request('GET', '/api/v1/health/live')).status).toBe(200);
      });

      it(`up to ${JSON_MAX_DEPTH} levels is delivered as sent`, async () => {
        const b = await connect(bob);
        const payload = deepJson(JSON_MAX_DEPTH);
        expect((await direct(payload)).status).toBe(202);
        const pushed = await b.waitFor((f) => f.action === 'direct_message' && f.data.event === 'deep');
        expect(JSON.stringify((pushed as ServerFrameOf<'direct_message'>).data.payload)).toBe(payload);
      });

      it(`a payload over ${JSON_MAX_BYTES} bytes is refused naming payload`, async () => {
        const big = JSON.stringify({ blob: 'x'.repeat(JSON_MAX_BYTES) });
        expectRefused(await direct(big), 'payload');
        expectRefused(await publishEvent(big), 'payload');
      });

      it('socket: a 5,000-deep heartbeat is invalid_frame naming data, a 100,000-deep frame too_big; the socket keeps serving', async () => {
        const socket = await connect(alice);
        const deepHeartbeat = (levels: number, id: string) =>
          `{"id":"${id}","action":"heartbeat","type":"heartbeat","timestamp":${Date.now()},"data":{"x":${deepArray(levels)}}}`;
        const codeOf = async (text: string, id: string) => {
          const reply = socket.waitForNext((f) => f.action === 'error' && f.data.ref === id);
          socket.sendRaw(text);
          return (await reply) as ServerFrameOf<'error'>;
        };
        const deep = await codeOf(deepHeartbeat(5_000, 'h-5000'), 'h-5000');
        expect(deep.data.code).toBe('invalid_frame');
        expect((deep.data.details as { path: string }[]).map((issue) => issue.path)).toContain('data');
        expect((await codeOf(deepHeartbeat(100_000, 'h-100000'), 'h-100000')).data.code).toBe('too_big');
        // A deep field the frame does not have is ignored (unknown fields are dropped), never walked into trouble.
        const id = randomUUID();
        const acked = socket.waitForNext((f) => (f.action === 'ack' || f.action === 'error') && f.data.ref === id);
        socket.sendRaw(
          `{"id":"${id}","action":"send_message","type":"text","timestamp":${Date.now()},"data":{"conversationId":"${conversationId}","text":"still here","extra":${deepJson(5_000)}}}`,
        );
        expect(await acked).toMatchObject({ action: 'ack', data: { result: { duplicate: false } } });
        const beat = socket.waitForNext((f: ServerFrame) => f.action === 'heartbeat');
        socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
        await beat;
      });
    });
  });
}
