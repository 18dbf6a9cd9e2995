/**
 * Messaging end to end over real sockets: delivery, fan-out to every session, ordering under
 * concurrency, idempotency, history paging, and REST sending through the same path.
 */

import type { AuthResponse, HistoryResult, SendMessageResult, ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`chat on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sockets: TestSocket[] = [];

    async function connect(auth: AuthResponse, deviceType: 'desktop' | 'mobile' | 'tablet' = 'desktop'): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken, deviceType);
      sockets.push(socket);
      return socket;
    }

    const text = (conversationId: string, body: string, id?: string) => ({
      ...(id ? { id } : {}),
      action: 'send_message' as const,
      type: 'text' as const,
      data: { conversationId, text: body },
    });

    beforeAll(async () => {
      server = await startTestServer({ database, env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
      api = new ApiClient(server.url);
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    describe('chat', () => {
      it('two users chat both ways, and the connected frame describes the session', async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const a = await connect(alice);
        const b = await connect(bob, 'mobile');
        const connected = b.frames.find((f) => f.action === 'connected');
        expect(connected?.data).toMatchObject({ user: { id: bob.user.id, name: 'Bob' }, device: { deviceType: 'mobile' } });

        const ack = (await a.request(text(conversationId, 'hi Bob'))) as SendMessageResult;
        expect(ack).toMatchObject({ conversationId, seq: 1, duplicate: false });
        const atBob = await b.waitFor((f) => f.action === 'new_message' && f.data.seq === 1);
        expect(atBob).toMatchObject({
          type: 'text',
          data: { text: 'hi Bob', senderId: alice.user.id, id: ack.messageId },
          sender: { id: alice.user.id, name: 'Alice' },
        });

        await b.request(text(conversationId, 'hi Alice'));
        const atAlice = await a.waitFor((f) => f.action === 'new_message' && f.data.seq === 2);
        expect(atAlice.data).toMatchObject({ text: 'hi Alice', senderId: bob.user.id });
        // The same direct pair resolves to the same conversation.
        expect(await api.conversation(bob.accessToken, { kind: 'direct', userId: alice.user.id })).toBe(conversationId);
      });

      it("every session of a member receives, the sender's other tabs and devices included", async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const aliceTab1 = await connect(alice);
        const aliceTab2 = await connect(alice);
        const alicePhone = await connect(alice, 'mobile');
        const bobDesk = await connect(bob);
        const bobTablet = await connect(bob, 'tablet');
        await aliceTab1.request(text(conversationId, 'everywhere'));
        for (const s of [aliceTab1, aliceTab2, alicePhone, bobDesk, bobTablet]) {
          const frame = await s.waitFor((f) => f.action === 'new_message' && f.data.conversationId === conversationId);
          expect(frame.data).toMatchObject({ text: 'everywhere', seq: 1 });
        }
      });

      it('keeps seq continuous and ordered with 20 concurrent senders', async () => {
        const owner = await api.register('Owner');
        const others = await Promise.all(Array.from({ length: 19 }, (_, i) => api.register(`S${i}`)));
        const conversationId = await api.conversation(owner.accessToken, {
          kind: 'group',
          title: 'busy',
          memberIds: others.map((o) => o.user.id),
        });
        const senders = await Promise.all([owner, ...others].map((u) => connect(u)));
        const watcher = senders[0]!;
        const perSender = 10;
        await Promise.all(
          senders.map(async (s, i) => {
            for (let k = 0; k < perSender; k++) await s.request(text(conversationId, `${i}:${k}`));
          }),
        );
        const received = await watcher.waitForCount((f) => f.action === 'new_message' && f.data.conversationId === conversationId, 200);
        const seqs = received.map((f) => (f as ServerFrameOf<'new_message'>).data.seq);
        expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
        // Each sender's own messages keep their send order.
        for (let i = 0; i < 20; i++) {
          const mine = received.map((f) => (f as ServerFrameOf<'new_message'>).data.text).filter((t) => t.startsWith(`${i}:`));
          expect(mine).toEqual(Array.from({ length: perSender }, (_, k) => `${i}:${k}`));
        }
        // Another member saw the very same order.
        const other = senders[7]!;
        const theirs = await other.waitForCount((f) => f.action === 'new_message' && f.data.conversationId === conversationId, 200);
        expect(theirs.map((f) => f.id)).toEqual(received.map((f) => f.id));
      });

      it('a resend with the same client id returns the original: no second row, no second broadcast', async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        const a = await connect(alice);
        const b = await connect(bob);
        const first = (await a.request(text(conversationId, 'once', 'client-id-1'))) as SendMessageResult;
        const second = (await a.request(text(conversationId, 'once', 'client-id-1'))) as SendMessageResult;
        expect(second).toEqual({ ...first, duplicate: true });
        // A REST resend with the same key is the same message too.
        const rest = await api.request<{ message: { id: string }; duplicate: boolean }>(
          'POST',
          `/api/v1/conversations/${conversationId}/messages`,
          {
            token: alice.accessToken,
            body: { clientId: 'client-id-1', text: 'once' },
          },
        );
        expect(rest).toMatchObject({ status: 200, body: { duplicate: true, message: { id: first.messageId } } });
        // A marker message proves the stream moved on without a second copy of the first.
        await a.request(text(conversationId, 'marker'));
        await b.waitFor((f) => f.action === 'new_message' && f.data.text === 'marker');
        expect(b.messages(conversationId).map((f) => f.data.seq)).toEqual([1, 2]);
        const history = await api.request<HistoryResult>('GET', `/api/v1/conversations/${conversationId}/messages`, {
          token: bob.accessToken,
        });
        expect(history.body.messages.map((m) => m.text)).toEqual(['once', 'marker']);
      });

      it('pages history in both directions over the socket and REST, with replies', async () => {
        const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
        const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
        for (let i = 1; i <= 30; i++) {
          const r = await api.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
            token: i % 2 ? alice.accessToken : bob.accessToken,
            headers: { 'idempotency-key': `k${i}` },
            body: { text: `m${i}` },
          });
          expect(r.status).toBe(201);
        }
        const a = await connect(alice);
        const latest = (await a.request({ action: 'history', type: 'control', data: { conversationId, limit: 10 } })) as HistoryResult;
        expect(latest.messages.map((m) => m.seq)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
        expect(latest.hasMore).toBe(true);
        const older = (await a.request({
          action: 'history',
          type: 'control',
          data: { conversationId, before: 21, limit: 15 },
        })) as HistoryResult;
        expect(older.messages.map((m) => m.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 6));
        const forward = await api.request<HistoryResult>('GET', `/api/v1/conversations/${conversationId}/messages?after=25&limit=10`, {
          token: bob.accessToken,
        });
        expect(forward.body).toMatchObject({ hasMore: false });
        expect(forward.body.messages.map((m) => m.text)).toEqual(['m26', 'm27', 'm28', 'm29', 'm30']);
        const tooBig = await api.request('GET', `/api/v1/conversations/${conversationId}/messages?limit=5000`, { token: bob.accessToken });
        expect(tooBig).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });

        const target = latest.messages[0]!;
        const reply = (await a.request({
          ...text(conversationId, 'answering'),
          data: { conversationId, text: 'answering', replyTo: target.id },
        })) as SendMessageResult;
        const [replied] = (
          await api.request<HistoryResult>('GET', `/api/v1/conversations/${conversationId}/messages?after=${reply.seq - 1}`, {
            token: bob.accessToken,
          })
        ).body.messages;
        expect(replied?.replyTo).toBe(target.id);
        await expect(
          a.request({ ...text(conversationId, 'x'), data: { conversationId, text: 'x', replyTo: 'nope' } }),
        ).rejects.toMatchObject({
          data: { code: 'bad_request' },
        });
      });

      it('lists conversations with last message and unread count, and manages group members', async () => {
        const [owner, member, outsider] = [await api.register('Own'), await api.register('Mem'), await api.register('Out')];
        const conversationId = await api.conversation(owner.accessToken, { kind: 'group', title: 'team', memberIds: [member.user.id] });
        await api.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
          token: owner.accessToken,
          body: { text: 'welcome' },
        });
        const list = await api.request<{ conversations: { id: string; unreadCount: number; lastMessage: { text: string } }[] }>(
          'GET',
          '/api/v1/conversations',
          {
            token: member.accessToken,
          },
        );
        expect(list.body.conversations).toEqual([
          expect.objectContaining({ id: conversationId, unreadCount: 1, lastMessage: expect.objectContaining({ text: 'welcome' }) }),
        ]);

        const byMember = await api.request('POST', `/api/v1/conversations/${conversationId}/members`, {
          token: member.accessToken,
          body: { userIds: [outsider.user.id] },
        });
        expect(byMember).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
        const byOwner = await api.request('POST', `/api/v1/conversations/${conversationId}/members`, {
          token: owner.accessToken,
          body: { userIds: [outsider.user.id] },
        });
        expect(byOwner.status).toBe(200);
        // The new member receives live messages at once (membership cache refreshed).
        const late = await connect(outsider);
        await api.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
          token: owner.accessToken,
          body: { text: 'hello newcomer' },
        });
        await late.waitFor((f) => f.action === 'new_message' && f.data.text === 'hello newcomer');
        const removed = await api.request('DELETE', `/api/v1/conversations/${conversationId}/members/${outsider.user.id}`, {
          token: owner.accessToken,
        });
        expect(removed.status).toBe(204);
        const after = await api.request('POST', `/api/v1/conversations/${conversationId}/messages`, {
          token: outsider.accessToken,
          body: { text: 'still here?' },
        });
        expect(after).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
      });
    });
  });
}
