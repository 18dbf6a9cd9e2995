/**
 * Real-time state end to end over real sockets: typing indicators (relay, throttle, expiry),
 * read receipts (monotonic, in step across one user's devices, REST and socket alike) and
 * presence (several tabs, grace period, no flap on reconnect, queries), on SQLite and PostgreSQL.
 */

import type { AuthResponse, Conversation, Presence, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { TYPING_TTL_MS } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();
const GRACE_MS = 1500;

const isTyping =
  (userId: string, typing?: boolean) =>
  (f: ServerFrame): f is ServerFrameOf<'typing_status'> =>
    f.action === 'typing_status' && f.data.userId === userId && (typing === undefined || f.data.isTyping === typing);
const isPresence =
  (userId: string, online?: boolean) =>
  (f: ServerFrame): f is ServerFrameOf<'presence_update'> =>
    f.action === 'presence_update' && f.data.userId === userId && (online === undefined || f.data.online === online);
const isReadStatus =
  (conversationId: string, lastReadSeq?: number) =>
  (f: ServerFrame): f is ServerFrameOf<'read_status'> =>
    f.action === 'read_status' &&
    f.data.conversationId === conversationId &&
    (lastReadSeq === undefined || f.data.lastReadSeq === lastReadSeq);

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`real-time state on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sockets: TestSocket[] = [];

    async function connect(auth: AuthResponse, deviceType: 'desktop' | 'mobile' | 'tablet' = 'desktop'): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken, deviceType);
      sockets.push(socket);
      return socket;
    }

    /** Everything the server queued for this socket before now has arrived. */
    async function flush(socket: TestSocket): Promise<void> {
      const id = socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
      await socket.waitFor((f) => f.action === 'heartbeat' && f.data.ref === id);
    }

    const typing = (conversationId: string, value: boolean) => ({
      action: 'typing_status' as const,
      type: 'typing' as const,
      data: { conversationId, isTyping: value },
    });

    const query = async (socket: TestSocket, userIds: string[]) =>
      ((await socket.request({ action: 'presence_query', type: 'control', data: { userIds } })) as { presence: Presence[] }).presence;

    /** Ask until the answer passes `test` (the server applies a close a moment after the client sees it). */
    async function presenceUntil(socket: TestSocket, userId: string, test: (p: Presence) => boolean, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [presence] = await query(socket, [userId]);
        if (presence && test(presence)) return presence;
        if (Date.now() > deadline) throw new Error(`presence never matched: ${JSON.stringify(presence)}`);
        await flush(socket);
      }
    }

    beforeAll(async () => {
      server = await startTestServer({
        database,
        env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000', HERALD_PRESENCE_GRACE_MS: String(GRACE_MS) },
      });
      api = new ApiClient(server.url);
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    describe('typing', () => {
      it('relays typing to the other member, never back to any session of the typist', async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [aliceTab1, aliceTab2, b] = [await connect(alice), await connect(alice), await connect(bob, 'mobile')];

        aliceTab1.sendFrame(typing(conversationId, true));
        const relayed = await b.waitFor(isTyping(alice.user.id, true));
        expect(relayed).toMatchObject({
          type: 'typing',
          data: { conversationId, userId: alice.user.id, isTyping: true },
          sender: { id: alice.user.id, name: 'Alice' },
        });
        await Promise.all([flush(aliceTab1), flush(aliceTab2)]);
        expect([...aliceTab1.frames, ...aliceTab2.frames].filter((f) => f.action === 'typing_status')).toEqual([]);
        // An event, not a request: no ack.
        expect(aliceTab1.frames.filter((f) => f.action === 'ack')).toEqual([]);
      });

      it('answers typing from a non-member with a forbidden error frame', async () => {
        const [alice, bob, mallory] = [await api.register('Alice'), await api.register('Bob'), await api.register('Mallory')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [m, b] = [await connect(mallory), await connect(bob)];
        const id = m.sendFrame(typing(conversationId, true));
        const error = await m.waitFor((f) => f.action === 'error' && f.data.ref === id);
        expect(error.data).toMatchObject({ code: 'forbidden', ref: id });
        await flush(b);
        expect(b.frames.filter((f) => f.action === 'typing_status')).toEqual([]);
      });

      it('throttles a fast typist to one relayed true, and always relays the stop', async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [a, b] = [await connect(alice), await connect(bob)];
        for (let i = 0; i < 8; i++) a.sendFrame(typing(conversationId, true));
        a.sendFrame(typing(conversationId, false));
        await b.waitFor(isTyping(alice.user.id, false));
        expect(b.frames.filter(isTyping(alice.user.id)).map((f) => f.data.isTyping)).toEqual([true, false]);
        // A stop when already stopped is no change: nothing relayed. Typing again is a change: relayed.
        a.sendFrame(typing(conversationId, false));
        a.sendFrame(typing(conversationId, true));
        await b.waitForCount(isTyping(alice.user.id, true), 2);
        expect(b.frames.filter(isTyping(alice.user.id)).length).toBe(3);
      });

      it(`expires an indicator by itself ${TYPING_TTL_MS} ms after the last refresh`, { timeout: 20_000 }, async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [a, b] = [await connect(alice), await connect(bob)];
        const sentAt = Date.now();
        a.sendFrame(typing(conversationId, true));
        await b.waitFor(isTyping(alice.user.id, true));
        const stopped = await b.waitFor(isTyping(alice.user.id, false), TYPING_TTL_MS + 4000);
        const after = Date.now() - sentAt;
        expect(stopped.data).toMatchObject({ conversationId, userId: alice.user.id, isTyping: false });
        expect(after).toBeGreaterThanOrEqual(TYPING_TTL_MS);
      });

      it('ends the indicator when the typing connection closes, without waiting for the expiry', async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [a, b] = [await connect(alice), await connect(bob)];
        a.sendFrame(typing(conversationId, true));
        await b.waitFor(isTyping(alice.user.id, true));
        const closedAt = Date.now();
        await a.close();
        await b.waitFor(isTyping(alice.user.id, false), TYPING_TTL_MS - 1000);
        expect(Date.now() - closedAt).toBeLessThan(TYPING_TTL_MS - 1000);
      });
    });

    describe('read receipts', () => {
      it('never move backwards, and keep unread counts in step across one user’s sessions', async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [phone, laptop, b] = [await connect(alice, 'mobile'), await connect(alice, 'desktop'), await connect(bob)];
        for (const text of ['one', 'two', 'three']) {
          await b.request({ action: 'send_message', type: 'text', data: { conversationId, text } });
        }
        const unread = async () => {
          const list = await api.request<{ conversations: Conversation[] }>('GET', '/api/v1/conversations', { token: alice.accessToken });
          return list.body.conversations.find((c) => c.id === conversationId)?.unreadCount;
        };
        expect(await unread()).toBe(3);

        const markRead = (seq: number) => phone.request({ action: 'mark_read', type: 'read', data: { conversationId, seq } });
        expect(await markRead(2)).toEqual({ conversationId, lastReadSeq: 2, unreadCount: 1 });
        const onLaptop = await laptop.waitFor(isReadStatus(conversationId));
        expect(onLaptop).toMatchObject({ type: 'read', data: { conversationId, userId: alice.user.id, lastReadSeq: 2 } });
        await b.waitFor((f) => isReadStatus(conversationId)(f) && f.data.userId === alice.user.id);
        expect(await unread()).toBe(1);

        // Backwards is a no-op (and broadcasts nothing); past the end stops at the last seq.
        expect(await markRead(1)).toEqual({ conversationId, lastReadSeq: 2, unreadCount: 1 });
        expect(await markRead(99)).toEqual({ conversationId, lastReadSeq: 3, unreadCount: 0 });
        await laptop.waitFor(isReadStatus(conversationId, 3));
        await flush(laptop);
        const seen = laptop.frames.filter(isReadStatus(conversationId)).map((f) => f.data.lastReadSeq);
        expect(seen).toEqual([2, 3]);
        // The laptop's view of the list agrees with the phone's.
        expect(await unread()).toBe(0);
      });

      it('REST POST /conversations/:id/read goes through the same path', async () => {
        const [alice, bob, mallory] = [await api.register('Alice'), await api.register('Bob'), await api.register('Mallory')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const [a, b] = [await connect(alice), await connect(bob)];
        await b.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'hi' } });
        await b.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'there' } });

        const read = await api.request('POST', `/api/v1/conversations/${conversationId}/read`, {
          token: alice.accessToken,
          body: { seq: 2 },
        });
        expect(read).toEqual({ status: 200, body: { conversationId, lastReadSeq: 2, unreadCount: 0 } });
        expect((await a.waitFor(isReadStatus(conversationId))).data).toEqual({ conversationId, userId: alice.user.id, lastReadSeq: 2 });

        const foreign = await api.request<{ error: { code: string } }>('POST', `/api/v1/conversations/${conversationId}/read`, {
          token: mallory.accessToken,
          body: { seq: 1 },
        });
        expect([foreign.status, foreign.body.error.code]).toEqual([403, 'forbidden']);
        const bad = await api.request<{ error: { code: string } }>('POST', `/api/v1/conversations/${conversationId}/read`, {
          token: alice.accessToken,
          body: { seq: -1 },
        });
        expect([bad.status, bad.body.error.code]).toEqual([400, 'bad_request']);
        const anonymous = await api.request('POST', `/api/v1/conversations/${conversationId}/read`, { body: { seq: 1 } });
        expect(anonymous.status).toBe(401);

        const m = await connect(mallory);
        await expect(m.request({ action: 'mark_read', type: 'read', data: { conversationId, seq: 1 } })).rejects.toMatchObject({
          data: { code: 'forbidden' },
        });
      });
    });

    describe('presence', () => {
      it('is online while any tab is open, and goes offline one grace period after the last closes', async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const b = await connect(bob);
        const tab1 = await connect(alice, 'desktop');
        const online = await b.waitFor(isPresence(alice.user.id, true));
        expect(online).toMatchObject({ type: 'presence', data: { userId: alice.user.id, online: true } });
        const tab2 = await connect(alice, 'mobile');
        await presenceUntil(b, alice.user.id, (p) => p.deviceTypes.length === 2);

        await tab1.close();
        const stillOnline = await presenceUntil(b, alice.user.id, (p) => p.deviceTypes.join() === 'mobile');
        expect(stillOnline.online).toBe(true);

        const closedAt = Date.now();
        await tab2.close();
        const offline = (await b.waitFor(isPresence(alice.user.id, false), GRACE_MS + 5000)) as ServerFrameOf<'presence_update'>;
        expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 100);
        expect(offline.data).toMatchObject({ online: false, deviceTypes: [] });
        expect(offline.data.lastSeenAt).toBeGreaterThanOrEqual(closedAt - 100);
        expect(b.frames.filter(isPresence(alice.user.id)).length).toBe(2);
        expect((await query(b, [alice.user.id]))[0]).toMatchObject({ online: false, deviceTypes: [] });
      });

      it('does not flap offline/online when a user reconnects within the grace period', async () => {
        const [alice, bob, carol] = [await api.register('Alice'), await api.register('Bob'), await api.register('Carol')];
        await api.conversation(bob.accessToken, { kind: 'group', title: 'trio', memberIds: [alice.user.id, carol.user.id] });
        const b = await connect(bob);
        const [a, c] = [await connect(alice), await connect(carol)];
        await b.waitFor(isPresence(alice.user.id, true));
        await b.waitFor(isPresence(carol.user.id, true));

        await a.close();
        // The server has applied the close: Alice is in her grace period (online, no device).
        await presenceUntil(b, alice.user.id, (p) => p.online && p.deviceTypes.length === 0);
        await c.close();
        const again = await connect(alice, 'tablet');
        // Carol left after Alice: once Carol's offline update is out, Alice's grace has ended too.
        await b.waitFor(isPresence(carol.user.id, false), GRACE_MS + 5000);
        await flush(b);
        expect(b.frames.filter(isPresence(alice.user.id)).map((f) => f.data)).toEqual([
          expect.objectContaining({ userId: alice.user.id, online: true }),
        ]);
        expect((await query(b, [alice.user.id]))[0]).toMatchObject({ online: true, deviceTypes: ['tablet'] });
        await again.close();
      });

      it('answers presence_query and GET /presence for a set of users', async () => {
        const [alice, bob, ghost] = [await api.register('Alice'), await api.register('Bob'), await api.register('Ghost')];
        // Presence is answered for contacts only (test/privacy.test.ts covers strangers): one group for all three.
        await api.conversation(alice.accessToken, { kind: 'group', title: 'all', memberIds: [bob.user.id, ghost.user.id] });
        const a = await connect(alice, 'tablet');
        const presence = await query(a, [alice.user.id, ghost.user.id, 'no-such-user']);
        expect(presence).toEqual([
          { userId: alice.user.id, online: true, lastSeenAt: expect.any(Number), deviceTypes: ['tablet'] },
          { userId: ghost.user.id, online: false, lastSeenAt: null, deviceTypes: [] },
        ]);

        const rest = await api.request<{ presence: Presence[] }>('GET', `/api/v1/presence?userIds=${alice.user.id},${ghost.user.id}`, {
          token: bob.accessToken,
        });
        expect(rest.status).toBe(200);
        expect(rest.body.presence.map((p) => [p.userId, p.online])).toEqual([
          [alice.user.id, true],
          [ghost.user.id, false],
        ]);
        expect((await api.request('GET', `/api/v1/presence?userIds=${alice.user.id}`)).status).toBe(401);
        const empty = await api.request<{ error: { code: string } }>('GET', '/api/v1/presence?userIds=', { token: bob.accessToken });
        expect([empty.status, empty.body.error.code]).toEqual([400, 'bad_request']);
        const tooMany = Array.from({ length: 501 }, (_, i) => `u${i}`).join(',');
        expect((await api.request('GET', `/api/v1/presence?userIds=${tooMany}`, { token: bob.accessToken })).status).toBe(400);
      });
    });
  });
}
