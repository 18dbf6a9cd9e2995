/**
 * Conversation list events over real sockets, on SQLite and PostgreSQL and across two nodes:
 * `conversation_added` (a group or direct conversation created with you, or you were added),
 * `conversation_updated` (renamed, members added) and `member_removed` (left or removed) reach
 * every session of the users concerned without polling; a removed member gets nothing of the
 * conversation after `member_removed`. Also what the protocol doc says of `subscribe`: a member's
 * session receives live messages without it, and `unsubscribe` mutes only `new_message`, only on
 * that connection.
 */
import { randomUUID } from 'node:crypto';
import type { AuthResponse, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, redisAvailable, startTestServer, startTwoNodes, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flushed } from './revocation-helpers.js';

const hasPostgres = await postgresAvailable();
const hasCluster = hasPostgres && (await redisAvailable());
const FAST = { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' };

type Action = 'conversation_added' | 'conversation_updated' | 'member_removed';
const about =
  <A extends Action>(action: A, conversationId: string) =>
  (f: ServerFrame): f is ServerFrameOf<A> =>
    f.action === action &&
    (f.action === 'conversation_added' ? f.data.conversation.id : (f.data as { conversationId: string }).conversationId) === conversationId;

/** The first matching frame (already here or still to come), and when it arrived relative to `since`. */
async function arrival<A extends Action>(
  socket: TestSocket,
  test: (f: ServerFrame) => f is ServerFrameOf<A>,
  since: number,
): Promise<{ frame: ServerFrameOf<A>; afterMs: number }> {
  const frame = (await socket.waitFor(test, 3_000)) as ServerFrameOf<A>;
  return { frame, afterMs: performance.now() - since };
}

/** Frames of one conversation's messages a socket received after index `from`. */
const messagesAfter = (socket: TestSocket, conversationId: string, from: number) =>
  socket.frames.slice(from).filter((f) => f.action === 'new_message' && f.data.conversationId === conversationId);

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`conversation events on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sockets: TestSocket[] = [];
    const connect = async (auth: AuthResponse) => {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    };

    beforeAll(async () => {
      server = await startTestServer({ database, env: FAST });
      api = new ApiClient(server.url);
      await api.register('Root'); // the first account is an admin; the people below are not
    });
    afterAll(async () => {
      for (const socket of sockets) socket.ws.terminate();
      await server?.destroy();
    });

    it("a group created by Bob reaches every session of its members (Bob's own included) as each one's list shows it", async () => {
      const [alice, bob, carol] = [await api.register('Alice'), await api.register('Bob'), await api.register('Carol')];
      const [alice1, alice2, bobSocket, carolSocket] = [
        await connect(alice),
        await connect(alice),
        await connect(bob),
        await connect(carol),
      ];
      const { conversation } = await api.rest.conversations.create({
        body: { kind: 'group', title: 'Launch', memberIds: [alice.user.id] },
        token: bob.accessToken,
      });
      for (const socket of [alice1, alice2, bobSocket]) {
        const frame = (await socket.waitFor(about('conversation_added', conversation.id))) as ServerFrameOf<'conversation_added'>;
        expect(frame.type).toBe('system');
        expect(frame.data).toEqual({ conversation, by: bob.user.id });
        expect(frame.data.conversation).toMatchObject({ title: 'Launch', kind: 'group', unreadCount: 0, lastMessage: null });
      }
      // Carol is not in it: nothing of it reaches her.
      await flushed(carolSocket);
      expect(carolSocket.frames.filter((f) => f.action === 'conversation_added')).toEqual([]);
      // Live messages follow at once, without a subscribe.
      await api.sendText(bob.accessToken, conversation.id, 'welcome');
      await alice1.waitFor((f) => f.action === 'new_message' && f.data.conversationId === conversation.id);
    });

    it('a new direct conversation reaches both people once; opening it again announces nothing', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const [a, b] = [await connect(alice), await connect(bob)];
      const id = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const atBob = (await b.waitFor(about('conversation_added', id))) as ServerFrameOf<'conversation_added'>;
      expect(atBob.data.conversation).toMatchObject({ id, kind: 'direct', title: null });
      expect(atBob.data.by).toBe(alice.user.id);
      await a.waitFor(about('conversation_added', id));
      expect(await api.conversation(bob.accessToken, { kind: 'direct', userId: alice.user.id })).toBe(id);
      await flushed(a);
      await flushed(b);
      expect([...a.frames, ...b.frames].filter(about('conversation_added', id))).toHaveLength(2);
    });

    it('a block refuses the conversation, and the person who blocked hears nothing of it', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const a = await connect(alice);
      await api.rest.users.block({ params: { id: bob.user.id }, token: alice.accessToken });
      const refused = await api.request('POST', '/api/v1/conversations', {
        token: bob.accessToken,
        body: { kind: 'group', title: 'sneaky', memberIds: [alice.user.id] },
      });
      expect(refused.status).toBe(403);
      await flushed(a);
      expect(a.frames.filter((f) => f.action === 'conversation_added')).toEqual([]);
    });

    it('an added member gets the conversation with their unread count; the others get the new member list; messages then reach the newcomer', async () => {
      const [owner, member, newcomer] = [await api.register('Olga'), await api.register('Max'), await api.register('Nina')];
      const id = await api.conversation(owner.accessToken, { kind: 'group', title: 'Team', memberIds: [member.user.id] });
      await api.sendText(owner.accessToken, id, 'one');
      await api.sendText(member.accessToken, id, 'two');
      const [o, m, n] = [await connect(owner), await connect(member), await connect(newcomer)];
      const { members } = await api.rest.conversations.addMembers({
        params: { id },
        body: { userIds: [newcomer.user.id] },
        token: owner.accessToken,
      });
      const added = (await n.waitFor(about('conversation_added', id))) as ServerFrameOf<'conversation_added'>;
      expect(added.data.by).toBe(owner.user.id);
      expect(added.data.conversation).toMatchObject({
        id,
        title: 'Team',
        lastSeq: 2,
        unreadCount: 2,
        lastMessage: { seq: 2, text: 'two' },
      });
      expect(added.data.conversation.members.map((x) => x.userId)).toEqual([owner.user.id, member.user.id, newcomer.user.id]);
      for (const socket of [o, m]) {
        const updated = (await socket.waitFor(about('conversation_updated', id))) as ServerFrameOf<'conversation_updated'>;
        expect(updated.data).toEqual({ conversationId: id, title: 'Team', ownerId: owner.user.id, members, by: owner.user.id });
      }
      // The existing members were not told they were added, and the newcomer gets no update on top.
      await flushed(n);
      expect([...o.frames, ...m.frames].filter(about('conversation_added', id))).toEqual([]);
      expect(n.frames.filter(about('conversation_updated', id))).toEqual([]);
      // Adding someone already in it changes nothing and announces nothing.
      await api.rest.conversations.addMembers({ params: { id }, body: { userIds: [member.user.id] }, token: owner.accessToken });
      await api.sendText(member.accessToken, id, 'three');
      await n.waitFor((f) => f.action === 'new_message' && f.data.text === 'three');
      await flushed(m);
      expect(m.frames.filter(about('conversation_added', id))).toEqual([]);
      expect(o.frames.filter(about('conversation_updated', id))).toHaveLength(1);
    });

    it('added together, a newcomer and someone who wrote here before leaving each get their own unread count', async () => {
      const [owner, returning, fresh] = [await api.register('Olga'), await api.register('Rita'), await api.register('Fred')];
      const id = await api.conversation(owner.accessToken, { kind: 'group', title: 'Back', memberIds: [returning.user.id] });
      await api.sendText(returning.accessToken, id, 'mine');
      await api.rest.conversations.removeMember({ params: { id, userId: returning.user.id }, token: returning.accessToken });
      await api.sendText(owner.accessToken, id, 'while away');
      const [r, f] = [await connect(returning), await connect(fresh)];
      await api.rest.conversations.addMembers({
        params: { id },
        body: { userIds: [returning.user.id, fresh.user.id] },
        token: owner.accessToken,
      });
      const atR = (await r.waitFor(about('conversation_added', id))) as ServerFrameOf<'conversation_added'>;
      const atF = (await f.waitFor(about('conversation_added', id))) as ServerFrameOf<'conversation_added'>;
      expect([atR.data.conversation.unreadCount, atF.data.conversation.unreadCount]).toEqual([1, 2]);
      const { conversations } = await api.rest.conversations.list({ token: returning.accessToken });
      expect(conversations.find((c) => c.id === id)).toEqual(atR.data.conversation);
    });

    it('a removed member gets member_removed and nothing of the conversation after it; the remaining members get member_removed', async () => {
      const [owner, stays, goes] = [await api.register('Olga'), await api.register('Sam'), await api.register('Gus')];
      const id = await api.conversation(owner.accessToken, { kind: 'group', title: 'Crew', memberIds: [stays.user.id, goes.user.id] });
      const [o, s, g] = [await connect(owner), await connect(stays), await connect(goes)];
      await api.sendText(owner.accessToken, id, 'before');
      await g.waitFor((f) => f.action === 'new_message' && f.data.text === 'before');

      await api.rest.conversations.removeMember({ params: { id, userId: goes.user.id }, token: owner.accessToken });
      const removed = (await g.waitFor(about('member_removed', id))) as ServerFrameOf<'member_removed'>;
      expect(removed.data).toEqual({ conversationId: id, userId: goes.user.id, by: owner.user.id });
      for (const socket of [o, s]) expect((await socket.waitFor(about('member_removed', id))).data).toEqual(removed.data);
      const from = g.frames.indexOf(removed);
      await api.sendText(owner.accessToken, id, 'after');
      s.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId: id, isTyping: true } });
      await o.waitFor((f) => f.action === 'typing_status' && f.data.conversationId === id);
      await s.waitFor((f) => f.action === 'new_message' && f.data.text === 'after');
      await flushed(g);
      expect(g.frames.slice(from + 1).filter((f) => (f.data as { conversationId?: string }).conversationId === id)).toEqual([]);
      expect(messagesAfter(g, id, from)).toEqual([]);

      // Leaving by oneself: `by` is the one who left.
      await api.rest.conversations.removeMember({ params: { id, userId: stays.user.id }, token: stays.accessToken });
      expect((await o.waitFor(about('member_removed', id))).data).toMatchObject({ userId: goes.user.id });
      const left = (await s.waitFor(
        (f) => about('member_removed', id)(f) && f.data.userId === stays.user.id,
      )) as ServerFrameOf<'member_removed'>;
      expect(left.data.by).toBe(stays.user.id);
      await o.waitFor((f) => about('member_removed', id)(f) && f.data.userId === stays.user.id);
    });

    it('a rename reaches every member as conversation_updated; only the owner or an admin may rename, and not a direct conversation', async () => {
      const [owner, member, outsider] = [await api.register('Olga'), await api.register('Max'), await api.register('Otto')];
      const id = await api.conversation(owner.accessToken, { kind: 'group', title: 'Old name', memberIds: [member.user.id] });
      const [o, m, x] = [await connect(owner), await connect(member), await connect(outsider)];
      await api.rest.conversations.rename({ params: { id }, body: { title: '  New name ' }, token: owner.accessToken });
      const members = (await api.rest.conversations.get({ params: { id }, token: member.accessToken })).conversation.members;
      for (const socket of [o, m]) {
        const updated = (await socket.waitFor(about('conversation_updated', id))) as ServerFrameOf<'conversation_updated'>;
        expect(updated.data).toEqual({ conversationId: id, title: 'New name', ownerId: owner.user.id, members, by: owner.user.id });
      }
      const { conversations } = await api.rest.conversations.list({ token: member.accessToken });
      expect(conversations.find((c) => c.id === id)?.title).toBe('New name');
      await flushed(x);
      expect(x.frames.filter(about('conversation_updated', id))).toEqual([]);

      const rename = (token: string, conversationId: string, title: unknown) =>
        api.request('PUT', `/api/v1/conversations/${conversationId}/title`, { token, body: { title } });
      expect((await rename(member.accessToken, id, 'Mine now')).status).toBe(403);
      expect((await rename(outsider.accessToken, id, 'Mine now')).status).toBe(403);
      expect((await rename(owner.accessToken, id, '   ')).status).toBe(400);
      const direct = await api.conversation(owner.accessToken, { kind: 'direct', userId: member.user.id });
      expect((await rename(owner.accessToken, direct, 'Us')).status).toBe(400);
      expect((await rename(owner.accessToken, randomUUID(), 'Nobody')).status).toBe(403);
      await flushed(m);
      expect(m.frames.filter(about('conversation_updated', id))).toHaveLength(1);
    });

    it('a member session receives live messages without subscribing; unsubscribe mutes only new_message, only on that connection', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const id = await api.conversation(alice.accessToken, { kind: 'group', title: 'Subs', memberIds: [bob.user.id] });
      const [muted, other, a] = [await connect(bob), await connect(bob), await connect(alice)];
      await api.sendText(alice.accessToken, id, 'no subscribe needed');
      for (const socket of [muted, other]) await socket.waitFor((f) => f.action === 'new_message' && f.data.text === 'no subscribe needed');

      await muted.request({ action: 'unsubscribe', type: 'control', data: { conversationId: id } });
      const from = muted.frames.length;
      a.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId: id, isTyping: true } });
      await api.sendText(alice.accessToken, id, 'muted here');
      await other.waitFor((f) => f.action === 'new_message' && f.data.text === 'muted here');
      await muted.waitFor((f) => f.action === 'typing_status' && f.data.conversationId === id);
      await flushed(muted);
      expect(messagesAfter(muted, id, from)).toEqual([]);

      // subscribe lifts it (with `since`, what was missed comes first).
      await muted.request({ action: 'subscribe', type: 'control', data: { conversationId: id, since: 1 } });
      await muted.waitFor((f) => f.action === 'new_message' && f.data.text === 'muted here');
    });
  });
}

describe.skipIf(!hasCluster)('conversation events across two nodes (PostgreSQL + Redis)', () => {
  let a: TestServer;
  let b: TestServer;
  let apiA: ApiClient;
  const sockets: TestSocket[] = [];
  const onB = async (auth: AuthResponse) => {
    const socket = await TestSocket.connect(b.wsUrl, auth.accessToken);
    sockets.push(socket);
    return socket;
  };

  beforeAll(async () => {
    [a, b] = await startTwoNodes(FAST);
    apiA = new ApiClient(a.url);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.ws.terminate();
    await b?.destroy();
    await a?.destroy();
  });

  it('changes made through node A reach sessions on node B within a second: added, updated, removed, then silence', async () => {
    const [bob, alice, carol] = [await apiA.register('Bob'), await apiA.register('Alice'), await apiA.register('Carol')];
    const [aliceB, carolB] = [await onB(alice), await onB(carol)];

    let since: number;
    const { conversation } = await apiA.rest.conversations.create({
      body: { kind: 'group', title: 'Across', memberIds: [alice.user.id] },
      token: bob.accessToken,
    });
    since = performance.now();
    const created = await arrival(aliceB, about('conversation_added', conversation.id), since);
    expect(created.frame.data.conversation).toEqual(conversation);
    expect(created.afterMs).toBeLessThan(1_000);

    await apiA.rest.conversations.addMembers({
      params: { id: conversation.id },
      body: { userIds: [carol.user.id] },
      token: bob.accessToken,
    });
    since = performance.now();
    const added = await arrival(carolB, about('conversation_added', conversation.id), since);
    expect(added.frame.data.conversation.members.map((m) => m.userId)).toContain(carol.user.id);
    expect(added.afterMs).toBeLessThan(1_000);
    const grew = await arrival(aliceB, about('conversation_updated', conversation.id), since);
    expect(grew.frame.data.members.map((m) => m.userId)).toEqual([bob.user.id, alice.user.id, carol.user.id]);
    expect(grew.afterMs).toBeLessThan(1_000);

    await apiA.rest.conversations.rename({ params: { id: conversation.id }, body: { title: 'Renamed' }, token: bob.accessToken });
    since = performance.now();
    const renamed = await arrival(carolB, about('conversation_updated', conversation.id), since);
    expect(renamed.frame.data.title).toBe('Renamed');
    expect(renamed.afterMs).toBeLessThan(1_000);

    await apiA.rest.conversations.removeMember({ params: { id: conversation.id, userId: carol.user.id }, token: bob.accessToken });
    since = performance.now();
    const removed = await arrival(carolB, about('member_removed', conversation.id), since);
    expect(removed.frame.data).toEqual({ conversationId: conversation.id, userId: carol.user.id, by: bob.user.id });
    expect(removed.afterMs).toBeLessThan(1_000);
    await aliceB.waitFor(about('member_removed', conversation.id));
    // A message sent through node B at once: Alice (on B) gets it, Carol (on B) does not.
    const from = carolB.frames.indexOf(removed.frame);
    await aliceB.request({ action: 'send_message', type: 'text', data: { conversationId: conversation.id, text: 'after' } });
    await aliceB.waitFor((f) => f.action === 'new_message' && f.data.text === 'after');
    await flushed(carolB);
    expect(messagesAfter(carolB, conversation.id, from)).toEqual([]);
  });
});
