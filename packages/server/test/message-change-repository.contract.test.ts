/**
 * MessageChangeRepository contract on real SQLite and PostgreSQL: changes share the conversation's
 * seq counter with messages (no gap, no repeat, even when many land at once), a repeated request id
 * returns the stored change, a change that changes nothing takes no seq, a deletion scrubs the text
 * of earlier edits, and a message with mentions keeps them whichever write path stored it.
 */
import type { ConversationChange } from '@herald/protocol';
import { beforeAll, expect, it } from 'vitest';
import type { ChangeRequest } from '../src/messages/message-change-repository.js';
import { repositorySuite } from './repository-suite.js';

repositorySuite('message change repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  async function conversation(memberCount = 2) {
    const users = await Promise.all(Array.from({ length: memberCount }, () => newUser()));
    const [owner] = users;
    if (!owner) throw new Error('no owner');
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'c',
      ownerId: owner.id,
      directKey: null,
      memberIds: users.map((u) => u.id),
    });
    const post = async (text: string, mentions: string[] = []) =>
      (
        await store.messages.appendMessage({
          conversationId: id,
          senderId: owner.id,
          clientId: `${text}-${Math.random()}`,
          type: 'text',
          text,
          replyTo: null,
          attachment: null,
          mentions,
        })
      ).message;
    return { id, users, owner, post };
  }

  const request = (
    conversationId: string,
    messageId: string,
    userId: string,
    spec: ChangeRequest['spec'],
    clientId = `${Math.random()}`,
  ): ChangeRequest => ({
    conversationId,
    messageId,
    userId,
    clientId,
    spec,
    allow: () => undefined,
  });

  it('changes take the next seqs of the conversation, in between messages, and read back in order', async () => {
    const { id, owner, post } = await conversation();
    const m1 = await post('one');
    const edit = await store.messageChanges.apply(
      request(id, m1.id, owner.id, { kind: 'edit', text: 'uno', mentions: [], groupMention: null }),
    );
    const m3 = await post('three');
    const reaction = await store.messageChanges.apply(request(id, m3.id, owner.id, { kind: 'reaction', emoji: '👍', added: true }));
    expect([m1.seq, edit.change?.data.seq, m3.seq, reaction.change?.data.seq]).toEqual([1, 2, 3, 4]);
    const changes = await store.messageChanges.changesBetween(id, 0, undefined, 10);
    expect(changes.map((c: ConversationChange) => [c.action, c.data.seq])).toEqual([
      ['message_updated', 2],
      ['reaction_updated', 4],
    ]);
    expect(await store.messageChanges.changesBetween(id, 2, 4, 10)).toEqual([]);
    expect((await store.messages.findMessage(m1.id))?.text).toBe('uno');
    expect(await store.messages.lastSeq(id)).toBe(4);
  });

  it('a repeated request id returns the stored change; a change that changes nothing takes no seq', async () => {
    const { id, owner, post } = await conversation();
    const m = await post('hi');
    const first = await store.messageChanges.apply(request(id, m.id, owner.id, { kind: 'reaction', emoji: '🎉', added: true }, 'same'));
    const again = await store.messageChanges.apply(request(id, m.id, owner.id, { kind: 'reaction', emoji: '🎉', added: true }, 'same'));
    expect(again).toMatchObject({ duplicate: true, change: first.change });
    const noop = await store.messageChanges.apply(request(id, m.id, owner.id, { kind: 'reaction', emoji: '🎉', added: true }));
    expect(noop).toMatchObject({ change: null, duplicate: false });
    expect(await store.messages.lastSeq(id)).toBe(2);
    // A refused change (its check throws) stores nothing and takes no seq either.
    await expect(
      store.messageChanges.apply({
        ...request(id, m.id, owner.id, { kind: 'delete' }),
        allow: () => {
          throw new Error('no');
        },
      }),
    ).rejects.toThrow('no');
    expect(await store.messages.lastSeq(id)).toBe(2);
  });

  it('concurrent reactions of many members get distinct consecutive seqs and exact counts', async () => {
    const { id, users, post } = await conversation(20);
    const m = await post('vote');
    const outcomes = await Promise.all(
      users.map((u) => store.messageChanges.apply(request(id, m.id, u.id, { kind: 'reaction', emoji: '👍', added: true }))),
    );
    const seqs = outcomes.map((o) => o.change?.data.seq ?? 0).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
    const counts = outcomes
      .map((o) => o.change)
      .sort((a, b) => (a?.data.seq ?? 0) - (b?.data.seq ?? 0))
      .map((c) => (c?.action === 'reaction_updated' ? c.data.reaction.count : -1));
    expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.messageChanges.reactionsOf([m.id])).toHaveLength(20);
  });

  it('deleting scrubs the message and the text of its earlier edits; its reactions go', async () => {
    const { id, owner, post } = await conversation();
    const m = await post('secret one');
    await store.messageChanges.apply(request(id, m.id, owner.id, { kind: 'edit', text: 'secret two', mentions: [], groupMention: null }));
    await store.messageChanges.apply(request(id, m.id, owner.id, { kind: 'reaction', emoji: '😮', added: true }));
    const deleted = await store.messageChanges.apply(request(id, m.id, owner.id, { kind: 'delete' }));
    expect(deleted.change?.action).toBe('message_deleted');
    expect(JSON.stringify(await store.messageChanges.changesBetween(id, 0, undefined, 10))).not.toContain('secret');
    expect(await store.messages.findMessage(m.id)).toMatchObject({ text: '', attachment: null, revision: 4 });
    expect(await store.messageChanges.reactionsOf([m.id])).toEqual([]);
  });

  it('mentions are stored whichever path writes the message (a single append and a batch)', async () => {
    const { id, users, owner } = await conversation(3);
    const mentioned = users.slice(1).map((u) => u.id);
    const one = await store.messages.appendMessage({
      conversationId: id,
      senderId: owner.id,
      clientId: 'mention-one',
      type: 'text',
      text: '@a @b',
      replyTo: null,
      attachment: null,
      mentions: mentioned,
      groupMention: 'all',
    });
    const batch = await store.messages.appendMessages([
      {
        conversationId: id,
        senderId: owner.id,
        clientId: 'mention-b1',
        type: 'text',
        text: 'x',
        replyTo: null,
        attachment: null,
        mentions: mentioned,
      },
      { conversationId: id, senderId: owner.id, clientId: 'mention-b2', type: 'text', text: 'y', replyTo: null, attachment: null },
    ]);
    expect(await store.messages.findMessage(one.message.id)).toMatchObject({ mentions: mentioned, groupMention: 'all' });
    expect(await store.messages.findMessage(batch[0]?.message.id ?? '')).toMatchObject({ mentions: mentioned, groupMention: null });
    expect(await store.messages.findMessage(batch[1]?.message.id ?? '')).toMatchObject({ mentions: [], groupMention: null });
  });
});
