/**
 * ConversationRepository contract (conversations, members, what a member sees of them, contacts):
 * the same suite on a real SQLite file and real PostgreSQL in its own schema.
 */
import { beforeAll, expect, it } from 'vitest';
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
    const [forC] = await store.conversations.listConversations(c.id);
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
    expect(await store.conversations.listConversations(c.id)).toEqual([]);
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
    expect(await store.conversations.getConversation('no-such-conversation', a.id)).toBeUndefined();
  });
});
