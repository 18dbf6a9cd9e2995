/**
 * ConversationRepository contract (conversations, members, what a member sees of them, contacts):
 * the same suite on a real SQLite file and real PostgreSQL in its own schema.
 */

import { beforeAll, expect, it } from 'vitest';
import { CapExceeded } from '../src/conversations/conversation-repository.js';
import { repositorySuite } from './repository-suite.js';

repositorySuite('conversation repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('lists conversations with members, last message and unread counts', async () => {
    const [a, b, c] = [await newUser('ann'), await newUser('ben'), await newUser('cat')];
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'trio',
      ownerId: a.id,
      directKey: null,
      memberIds: [a.id, b.id],
    });
    // Only the users not already members count as added (they are the ones told `conversation_added`).
    expect(await store.conversations.addMembers(id, [c.id, b.id, c.id])).toEqual([c.id]);
    expect(await store.conversations.addMembers(id, [c.id])).toEqual([]);
    expect((await store.conversations.memberIds(id)).sort()).toEqual([a.id, b.id, c.id].sort());
    for (const [i, sender] of [a, a, b].entries()) {
      await store.messages.appendMessage({
        conversationId: id,
        senderId: sender.id,
        clientId: `u${i}`,
        type: 'text',
        text: `t${i}`,
        replyTo: null,
        attachment: { fileId: 'f1', name: 'x.png' },
      });
    }
    const [forC] = (await store.conversations.listConversations(c.id, { limit: 10 })).conversations;
    expect(forC).toMatchObject({ id, title: 'trio', lastSeq: 3, unreadCount: 3, lastMessage: { seq: 3, text: 't2' } });
    expect(forC?.lastMessage?.attachment).toEqual({ fileId: 'f1', name: 'x.png' });
    expect(forC?.members.map((m) => m.role)).toEqual(['owner', 'member', 'member']);
    expect((await store.conversations.authorsAmong(id, [a.id, b.id, c.id])).sort()).toEqual([a.id, b.id].sort());
    expect(await store.conversations.authorsAmong(id, [c.id])).toEqual([]);
    expect(await store.conversations.authorsAmong(id, [])).toEqual([]);
    const forB = await store.conversations.getConversation(id, b.id);
    expect(forB?.unreadCount).toBe(0); // b's own message marks everything before it read
    const forA = await store.conversations.getConversation(id, a.id);
    expect(forA?.unreadCount).toBe(1);
    expect(await store.conversations.removeMember(id, c.id)).toBe(true);
    expect(await store.conversations.removeMember(id, c.id)).toBe(false);
    expect(await store.conversations.getConversation(id, c.id)).toBeUndefined();
    expect(await store.conversations.listConversations(c.id, { limit: 10 })).toEqual({ conversations: [], next: null });
  });

  it('finds a direct conversation by its key, lists members in join order, and names contacts', async () => {
    const [a, b, c, d] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const direct = await store.conversations.createConversation({
      kind: 'direct',
      title: null,
      ownerId: null,
      directKey: `${a.id}:${b.id}`,
      memberIds: [a.id, b.id, a.id],
    });
    expect(await store.conversations.findConversationIdByDirectKey(`${a.id}:${b.id}`)).toBe(direct);
    expect(await store.conversations.findConversationIdByDirectKey(`${b.id}:${a.id}`)).toBeUndefined();
    const group = await store.conversations.createConversation({
      kind: 'group',
      title: 'g',
      ownerId: c.id,
      directKey: null,
      memberIds: [c.id, a.id],
    });
    expect((await store.conversations.listMembers(group)).map((m) => [m.userId, m.role, m.lastReadSeq])).toEqual([
      [c.id, 'owner', 0],
      [a.id, 'member', 0],
    ]);
    expect(await store.conversations.addMembers(group, [])).toEqual([]);
    expect(await store.conversations.setTitle(group, 'renamed')).toEqual({ ownerId: c.id });
    expect((await store.conversations.getConversation(group, a.id))?.title).toBe('renamed');
    expect(await store.conversations.setTitle('no-such-conversation', 'x')).toBeUndefined();
    expect((await store.conversations.contactIds(a.id)).sort()).toEqual([b.id, c.id].sort());
    expect(await store.conversations.contactIds(b.id)).toEqual([a.id]);
    expect(await store.conversations.contactIds(d.id)).toEqual([]);
    expect((await store.conversations.conversationIdsOf(a.id)).sort()).toEqual([direct, group].sort());
    expect(await store.conversations.conversationIdsOf(d.id)).toEqual([]);
    expect(await store.conversations.getConversation('no-such-conversation', a.id)).toBeUndefined();
  });

  it("pages a member's conversations by (activity, id), most recent first, each exactly once", async () => {
    const [me, other] = [await newUser('pager'), await newUser()];
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      ids.push(
        await store.conversations.createConversation({
          kind: 'group',
          title: `g${i}`,
          ownerId: other.id,
          directKey: null,
          memberIds: [other.id, me.id],
        }),
      );
    }
    // Same activity time for several (ties are broken by id), and one conversation the user is not in.
    const { db } = store.database;
    await db.updateTable('conversations').set({ updated_at: 5_000 }).where('id', 'in', ids.slice(0, 4)).execute();
    await db.updateTable('conversations').set({ updated_at: 9_000 }).where('id', 'in', ids.slice(4)).execute();
    await store.conversations.createConversation({
      kind: 'group',
      title: 'not mine',
      ownerId: other.id,
      directKey: null,
      memberIds: [other.id],
    });
    const expected = [...ids.slice(4).sort().reverse(), ...ids.slice(0, 4).sort().reverse()];
    const seen: string[] = [];
    let after: Awaited<ReturnType<typeof store.conversations.listConversations>>['next'] = null;
    let pages = 0;
    do {
      const page = await store.conversations.listConversations(me.id, { after: after ?? undefined, limit: 3 });
      expect(page.conversations.length).toBeLessThanOrEqual(3);
      seen.push(...page.conversations.map((c) => c.id));
      after = page.next;
      pages++;
    } while (after && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(3);
    // A new message moves a conversation to the top; a cursor taken before it never shows it twice.
    const first = await store.conversations.listConversations(me.id, { limit: 2 });
    await store.messages.appendMessage({
      conversationId: expected[5] as string,
      senderId: other.id,
      clientId: 'bump',
      type: 'text',
      text: 'hi',
      replyTo: null,
      attachment: null,
    });
    const rest = await store.conversations.listConversations(me.id, { after: first.next ?? undefined, limit: 10 });
    expect(rest.conversations.map((c) => c.id)).toEqual(expected.slice(2).filter((id) => id !== expected[5]));
    expect(rest.next).toBeNull();
    const top = await store.conversations.listConversations(me.id, { limit: 1 });
    expect(top.conversations[0]).toMatchObject({ id: expected[5], unreadCount: 1, lastMessage: { text: 'hi' } });
  });

  it('names the contacts among some users', async () => {
    const [a, b, c, d] = [await newUser(), await newUser(), await newUser(), await newUser()];
    await store.conversations.createConversation({ kind: 'group', title: 'ab', ownerId: a.id, directKey: null, memberIds: [a.id, b.id] });
    await store.conversations.createConversation({ kind: 'group', title: 'cd', ownerId: c.id, directKey: null, memberIds: [c.id, d.id] });
    expect(await store.conversations.contactsAmong(a.id, [b.id, c.id, d.id, b.id])).toEqual([b.id]);
    expect(await store.conversations.contactsAmong(a.id, [])).toEqual([]);
  });

  it('refuses a group past the hourly cap or the member cap, writing nothing', async () => {
    const [owner, x, y, z] = [await newUser(), await newUser(), await newUser(), await newUser()];
    const group = (memberIds: string[]) => ({ kind: 'group' as const, title: 't', ownerId: owner.id, directKey: null, memberIds });
    const since = Date.now() - 60_000;
    await store.conversations.createConversation(group([owner.id]), { recentGroups: { since, max: 2 } });
    const second = await store.conversations.createConversation(group([owner.id, x.id]), {
      recentGroups: { since, max: 2 },
      maxMembers: 3,
    });
    const refused = await store.conversations
      .createConversation(group([owner.id]), { recentGroups: { since, max: 2 } })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(CapExceeded);
    expect((refused as CapExceeded).cap).toBe('groups_per_hour');
    expect((refused as CapExceeded).oldestAt).toBeGreaterThanOrEqual(since);
    // Groups outside the window do not count.
    await store.conversations.createConversation(group([owner.id]), { recentGroups: { since: Date.now() + 1, max: 2 } });
    const tooMany = await store.conversations
      .createConversation(group([owner.id, x.id, y.id, z.id]), { maxMembers: 3 })
      .catch((e: unknown) => e);
    expect((tooMany as CapExceeded).cap).toBe('group_members');
    // Adding past the member cap adds nobody; up to it works.
    const full = await store.conversations.addMembers(second, [y.id, z.id], 3).catch((e: unknown) => e);
    expect((full as CapExceeded).cap).toBe('group_members');
    expect((await store.conversations.memberIds(second)).sort()).toEqual([owner.id, x.id].sort());
    expect(await store.conversations.addMembers(second, [y.id, x.id], 3)).toEqual([y.id]);
    expect(await store.conversations.addMembers(second, [x.id], 3)).toEqual([]);
    expect((await store.conversations.listConversations(owner.id, { limit: 100 })).conversations).toHaveLength(3);
  });
});
