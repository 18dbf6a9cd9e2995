/**
 * Edits, deletions, reactions, replies and mentions end to end over real sockets and REST, on
 * SQLite and PostgreSQL: every change takes the conversation's next seq and reaches every member as
 * its own event; idempotency keys, membership and who-may-what hold; history gives messages in their
 * current state, `subscribe since` and `history after` replay the changes in order, and a deleted
 * message's words never come back.
 */
import type { AuthResponse, Conversation, HistoryResult, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

type Changed = ServerFrameOf<'message_updated' | 'message_deleted' | 'reaction_updated'>;
const STREAM = new Set(['new_message', 'message_updated', 'message_deleted', 'reaction_updated']);
const streamOf = (socket: TestSocket, conversationId: string) =>
  socket.frames.filter(
    (f): f is ServerFrameOf<'new_message'> | Changed =>
      STREAM.has(f.action) && (f.data as { conversationId: string }).conversationId === conversationId,
  );
const errorOf = async (promise: Promise<unknown>) =>
  (
    await promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: { data: { code: string; message: string; details?: unknown } }) => error,
    )
  ).data;

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`message changes on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    let admin: AuthResponse;
    const sockets: TestSocket[] = [];

    async function connect(auth: AuthResponse): Promise<TestSocket> {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    }
    const send = async (socket: TestSocket, conversationId: string, text: string, replyTo?: string) =>
      (await socket.request({ action: 'send_message', type: 'text', data: { conversationId, text, ...(replyTo ? { replyTo } : {}) } })) as {
        messageId: string;
        seq: number;
      };
    const edit = (socket: TestSocket, conversationId: string, messageId: string, text: string, id?: string) =>
      socket.request({
        ...(id ? { id } : {}),
        action: 'edit_message',
        type: 'control',
        data: { conversationId, messageId, text },
      }) as Promise<{
        seq: number | null;
        duplicate: boolean;
        editedAt: number;
      }>;
    const remove = (socket: TestSocket, conversationId: string, messageId: string) =>
      socket.request({ action: 'delete_message', type: 'control', data: { conversationId, messageId } }) as Promise<{ seq: number | null }>;
    const react = (socket: TestSocket, conversationId: string, messageId: string, emoji: string, remove = false, id?: string) =>
      socket.request({
        ...(id ? { id } : {}),
        action: 'react',
        type: 'control',
        data: { conversationId, messageId, emoji, remove },
      }) as Promise<{
        seq: number | null;
        duplicate: boolean;
      }>;
    const history = (
      socket: TestSocket,
      data: { conversationId: string; after?: number; before?: number; around?: number; limit?: number },
    ) => socket.request({ action: 'history', type: 'control', data: { limit: 50, ...data } }) as Promise<HistoryResult>;

    /** A group of `names` (the first the owner) with a socket each. */
    async function group(...names: string[]) {
      const users = await Promise.all(names.map((n) => api.register(n)));
      const [owner, ...rest] = users as [AuthResponse, ...AuthResponse[]];
      const conversationId = await api.conversation(owner.accessToken, {
        kind: 'group',
        title: 'g',
        memberIds: rest.map((u) => u.user.id),
      });
      const socks = await Promise.all(users.map((u) => connect(u)));
      return { conversationId, users, socks };
    }

    beforeAll(async () => {
      server = await startTestServer({
        database,
        env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000', HERALD_GROUP_ADD: 'anyone' },
      });
      api = new ApiClient(server.url);
      admin = await api.register('Admin'); // the first account is the admin
    });

    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    it('an edit takes the next seq, reaches every member and shows in history; a repeat changes nothing', async () => {
      const { conversationId, socks } = await group('Ann', 'Ben');
      const [a, b] = socks as [TestSocket, TestSocket];
      const { messageId } = await send(a, conversationId, 'helo wrld');
      const ack = await edit(a, conversationId, messageId, 'hello world', 'edit-1');
      expect(ack).toMatchObject({ seq: 2, duplicate: false });
      for (const s of [a, b]) {
        const frame = (await s.waitFor(
          (f) => f.action === 'message_updated' && f.data.messageId === messageId,
        )) as ServerFrameOf<'message_updated'>;
        expect(frame.data).toMatchObject({ conversationId, seq: 2, text: 'hello world', at: ack.editedAt });
      }
      expect(await edit(a, conversationId, messageId, 'hello world', 'edit-1')).toEqual({ ...ack, duplicate: true });
      await send(a, conversationId, 'marker');
      await b.waitFor((f) => f.action === 'new_message' && f.data.text === 'marker');
      expect(streamOf(b, conversationId).map((f) => [f.action, f.data.seq])).toEqual([
        ['new_message', 1],
        ['message_updated', 2],
        ['new_message', 3],
      ]);
      const page = await history(b, { conversationId });
      expect(page.messages.map((m) => [m.text, m.editedAt, m.revision])).toEqual([
        ['hello world', ack.editedAt, 2],
        ['marker', null, 3],
      ]);
      // Someone else's message, a deleted one, and one of another conversation cannot be edited.
      expect(await errorOf(edit(b, conversationId, messageId, 'mine now'))).toMatchObject({ code: 'forbidden' });
      const other = await group('Cy', 'Di');
      expect(await errorOf(edit(other.socks[0] as TestSocket, other.conversationId, messageId, 'x'))).toMatchObject({ code: 'not_found' });
      expect(await errorOf(edit(a, conversationId, messageId, '   '))).toMatchObject({ code: 'invalid_frame' });
      await remove(a, conversationId, messageId);
      expect(await errorOf(edit(a, conversationId, messageId, 'back'))).toMatchObject({ code: 'conflict' });
    });

    it('the edit window, when set, refuses late edits with a reason', async () => {
      const late = await startTestServer({ database, env: { HERALD_EDIT_WINDOW_SECONDS: '60' } });
      try {
        const lateApi = new ApiClient(late.url);
        const { alice, conversationId } = await lateApi.directPair();
        const socket = await TestSocket.connect(late.wsUrl, alice.accessToken);
        sockets.push(socket);
        const fresh = await send(socket, conversationId, 'typo');
        const old = await send(socket, conversationId, 'old typo');
        await late.server.database.db
          .updateTable('messages')
          .set({ created_at: Date.now() - 61_000 })
          .where('id', '=', old.messageId)
          .execute();
        expect(await edit(socket, conversationId, fresh.messageId, 'fixed')).toMatchObject({ seq: 3 });
        expect(await errorOf(edit(socket, conversationId, old.messageId, 'too late'))).toMatchObject({
          code: 'forbidden',
          details: { reason: 'edit_window', editWindowMs: 60_000 },
        });
      } finally {
        await late.destroy();
      }
    });

    it('deletes leave a tombstone for everyone, scrub earlier edits from replays, and keep unread counts right', async () => {
      const { conversationId, users, socks } = await group('Owen', 'Mia', 'Max');
      const [owner, mia, max] = socks as [TestSocket, TestSocket, TestSocket];
      const secret = await send(mia, conversationId, 'my password is hunter2');
      await edit(mia, conversationId, secret.messageId, 'my password is hunter3');
      const maxs = await send(max, conversationId, 'from max');
      // Mia may not delete Max's message; the owner may; an admin of the server may too.
      expect(await errorOf(remove(mia, conversationId, maxs.messageId))).toMatchObject({ code: 'forbidden' });
      expect(await remove(owner, conversationId, maxs.messageId)).toMatchObject({ seq: 4 });
      expect(await remove(mia, conversationId, secret.messageId)).toMatchObject({ seq: 5 });
      expect(await remove(mia, conversationId, secret.messageId)).toMatchObject({ seq: null }); // already deleted: nothing changes
      const deleted = (await max.waitFor((f) => f.action === 'message_deleted' && f.data.seq === 5)) as ServerFrameOf<'message_deleted'>;
      expect(deleted.data).toMatchObject({ messageId: secret.messageId, userId: users[1]?.user.id });

      const page = await history(max, { conversationId });
      expect(page.messages.map((m) => ({ text: m.text, deleted: m.deletedAt !== null }))).toEqual([
        { text: '', deleted: true },
        { text: '', deleted: true },
      ]);
      // A newcomer replaying the stream from the start never sees the deleted words.
      const late = await connect(users[2] as AuthResponse);
      await late.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 0 } });
      const replay = streamOf(late, conversationId);
      expect(replay.map((f) => f.action)).toEqual(['new_message', 'message_updated', 'new_message', 'message_deleted', 'message_deleted']);
      expect(JSON.stringify(replay)).not.toContain('hunter');
      const gap = await history(late, { conversationId, after: 0 });
      expect(JSON.stringify(gap)).not.toContain('hunter');
      expect(gap.changes?.map((c) => c.data.seq)).toEqual([2, 4, 5]);

      // Unread: Max never read; the two deleted messages do not count, a new one does.
      await send(owner, conversationId, 'still here');
      const { body } = await api.request<{ conversation: Conversation }>('GET', `/api/v1/conversations/${conversationId}`, {
        token: (users[2] as AuthResponse).accessToken,
      });
      expect(body.conversation.unreadCount).toBe(1);
      expect(body.conversation.lastMessage?.text).toBe('still here');

      // An admin moderates without being a member.
      const adminSocket = await connect(admin);
      const last = await send(owner, conversationId, 'owner says');
      expect(await remove(adminSocket, conversationId, last.messageId)).toMatchObject({ seq: expect.any(Number) });
    });

    it('reactions: counted per emoji, `mine` per viewer, idempotent, capped, and the last seq is not a message', async () => {
      const { conversationId, users, socks } = await group('Rae', 'Sam');
      const [rae, sam] = socks as [TestSocket, TestSocket];
      const { messageId } = await send(rae, conversationId, 'lunch?');
      expect(await react(rae, conversationId, messageId, '👍', false, 'r1')).toMatchObject({ seq: 2, duplicate: false });
      expect(await react(rae, conversationId, messageId, '👍', false, 'r1')).toMatchObject({ seq: 2, duplicate: true });
      expect(await react(rae, conversationId, messageId, '👍', false, 'r2')).toMatchObject({ seq: null, duplicate: false }); // already there
      await react(sam, conversationId, messageId, '👍');
      await react(sam, conversationId, messageId, '👍🏽');
      const update = (await rae.waitFor((f) => f.action === 'reaction_updated' && f.data.seq === 4)) as ServerFrameOf<'reaction_updated'>;
      expect(update.data).toMatchObject({
        emoji: '👍🏽',
        added: true,
        userId: users[1]?.user.id,
        reaction: { emoji: '👍🏽', count: 1, userIds: [users[1]?.user.id] },
      });
      const seenByRae = (await history(rae, { conversationId })).messages[0];
      expect(seenByRae?.reactions).toEqual([
        { emoji: '👍', count: 2, userIds: [users[0]?.user.id, users[1]?.user.id], mine: true },
        { emoji: '👍🏽', count: 1, userIds: [users[1]?.user.id], mine: false },
      ]);
      expect(await react(rae, conversationId, messageId, '👍', true)).toMatchObject({ seq: 5 });
      const removed = (await sam.waitFor((f) => f.action === 'reaction_updated' && f.data.seq === 5)) as ServerFrameOf<'reaction_updated'>;
      expect(removed.data).toMatchObject({ added: false, reaction: { count: 1, userIds: [users[1]?.user.id] } });
      // Not an emoji, several emoji: refused before anything is stored.
      for (const bad of ['ok', '👍👍', '<b>', '']) {
        expect(await errorOf(react(rae, conversationId, messageId, bad))).toMatchObject({ code: 'invalid_frame' });
      }
      // At most 10 emoji per person per message.
      const ten = ['😀', '😃', '😄', '😁', '😆', '😅', '😂', '🤣', '😊', '😇'];
      for (const e of ten) await react(rae, conversationId, messageId, e);
      expect(await errorOf(react(rae, conversationId, messageId, '🙂'))).toMatchObject({
        code: 'too_big',
        details: { limit: 'reactions_per_user' },
      });
      // The conversation's last seq is a reaction: the list still shows the last message.
      const { body } = await api.request<{ conversation: Conversation }>('GET', `/api/v1/conversations/${conversationId}`, {
        token: (users[1] as AuthResponse).accessToken,
      });
      expect(body.conversation.lastMessage?.text).toBe('lunch?');
      expect(body.conversation.lastSeq).toBe(15);
    });

    it('replies carry a preview of what they quote; mentions are resolved and stored', async () => {
      const { conversationId, users, socks } = await group('Olga', 'Pete', '张伟');
      const [olga, pete] = socks as [TestSocket, TestSocket];
      const quoted = await send(pete, conversationId, 'first line\nsecond line');
      const reply = await send(olga, conversationId, 'agreed @pete and @张伟你好', quoted.messageId);
      const live = (await pete.waitFor((f) => f.action === 'new_message' && f.data.seq === reply.seq)) as ServerFrameOf<'new_message'>;
      expect(live.data.replyPreview).toMatchObject({ messageId: quoted.messageId, senderName: 'Pete', text: 'first line', deleted: false });
      expect(live.data.mentions).toEqual([users[1]?.user.id, users[2]?.user.id]);
      // @all from the owner counts; from a member it stays text.
      const all = await send(olga, conversationId, '@all standup');
      const fromMember = await send(pete, conversationId, '@all me too');
      const page = await history(pete, { conversationId });
      expect(page.messages.find((m) => m.id === all.messageId)?.groupMention).toBe('all');
      expect(page.messages.find((m) => m.id === fromMember.messageId)?.groupMention).toBeNull();
      // Deleting the quoted message turns the preview into "deleted"; a new reply to it is refused.
      await remove(pete, conversationId, quoted.messageId);
      const after = await history(pete, { conversationId });
      expect(after.messages.find((m) => m.id === reply.messageId)?.replyPreview).toMatchObject({ deleted: true, text: '' });
      expect(await errorOf(send(olga, conversationId, 'late reply', quoted.messageId))).toMatchObject({ code: 'conflict' });
      // An edit re-resolves mentions.
      await edit(olga, conversationId, reply.messageId, 'never mind');
      const edited = (await history(pete, { conversationId })).messages.find((m) => m.id === reply.messageId);
      expect(edited?.mentions).toEqual([]);
    });

    it('history around a seq, and resume after missed changes converges', async () => {
      const { conversationId, socks, users } = await group('Vic', 'Wes');
      const [vic] = socks as [TestSocket];
      const ids: string[] = [];
      for (let i = 1; i <= 40; i++) ids.push((await send(vic, conversationId, `m${i}`)).messageId);
      const around = await history(vic, { conversationId, around: 10, limit: 10 });
      expect(around.messages.map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      expect(around).toMatchObject({ hasMore: true, hasNewer: true });
      expect(await errorOf(history(vic, { conversationId, around: 10, after: 3 }))).toMatchObject({ code: 'invalid_frame' });

      // Wes is away while changes happen; he resumes from seq 40 and gets each change once, in order.
      await edit(vic, conversationId, ids[0] as string, 'm1 edited');
      await react(vic, conversationId, ids[1] as string, '🎉');
      await remove(vic, conversationId, ids[2] as string);
      const wes = await connect(users[1] as AuthResponse);
      await wes.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 40 } });
      await wes.waitFor((f) => f.action === 'message_deleted' && f.data.seq === 43);
      expect(streamOf(wes, conversationId).map((f) => [f.action, f.data.seq])).toEqual([
        ['message_updated', 41],
        ['reaction_updated', 42],
        ['message_deleted', 43],
      ]);
      // REST agrees with the socket.
      const rest = await api.request<HistoryResult>('GET', `/api/v1/conversations/${conversationId}/messages?around=2&limit=3`, {
        token: (users[1] as AuthResponse).accessToken,
      });
      expect(rest.body.messages.map((m) => [m.seq, m.text, m.deletedAt !== null])).toEqual([
        [1, 'm1 edited', false],
        [2, 'm2', false],
        [3, '', true],
      ]);
    });

    it('REST edits, deletes and reacts through the same path, with Idempotency-Key', async () => {
      const { alice, bob, conversationId } = await api.directPair();
      const bobSocket = await connect(bob);
      const { body } = await api.request<{ message: { id: string } }>('POST', `/api/v1/conversations/${conversationId}/messages`, {
        token: alice.accessToken,
        body: { text: 'via rest' },
      });
      const path = `/api/v1/conversations/${conversationId}/messages/${body.message.id}`;
      const first = await api.request('PATCH', path, {
        token: alice.accessToken,
        headers: { 'idempotency-key': 'e1' },
        body: { text: 'edited via rest' },
      });
      const again = await api.request('PATCH', path, {
        token: alice.accessToken,
        headers: { 'idempotency-key': 'e1' },
        body: { text: 'edited via rest' },
      });
      expect(first).toMatchObject({ status: 200, body: { seq: 2, duplicate: false } });
      expect(again).toMatchObject({ status: 200, body: { seq: 2, duplicate: true } });
      expect(await api.request('POST', `${path}/reactions`, { token: bob.accessToken, body: { emoji: '❤️' } })).toMatchObject({
        status: 200,
        body: { seq: 3 },
      });
      expect(await api.request('POST', `${path}/reactions`, { token: bob.accessToken, body: { emoji: 'heart' } })).toMatchObject({
        status: 400,
        body: { error: { code: 'bad_request' } },
      });
      expect(await api.request('PATCH', path, { token: bob.accessToken, body: { text: 'hijack' } })).toMatchObject({ status: 403 });
      expect(await api.request('DELETE', path, { token: alice.accessToken })).toMatchObject({ status: 200, body: { seq: 4 } });
      await bobSocket.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 0 } });
      await bobSocket.waitFor((f: ServerFrame) => f.action === 'message_deleted' && f.data.seq === 4);
      expect(streamOf(bobSocket, conversationId).map((f) => f.action)).toEqual([
        'new_message',
        'message_updated',
        'reaction_updated',
        'message_deleted',
      ]);
    });
  });
}
