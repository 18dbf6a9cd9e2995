/**
 * Message retention on the MessageRepository, on real SQLite and PostgreSQL: `pruneOlderThan`
 * deletes only the prefix of old seqs (never a hole, even when an old message follows a new one),
 * in batches, moves `firstSeq` past it, and a sweep over every conversation leaves others alone.
 */
import { beforeAll, expect, it } from 'vitest';
import { sweepMessages } from '../src/messages/message-retention.js';
import { repositorySuite } from './repository-suite.js';

repositorySuite('message retention contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  async function conversationWith(ages: number[], now: number): Promise<string> {
    const user = await newUser();
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'r',
      ownerId: user.id,
      directKey: null,
      memberIds: [user.id],
    });
    for (const [i, age] of ages.entries()) {
      const { message } = await store.messages.appendMessage({
        conversationId: id,
        senderId: user.id,
        clientId: `${id}-${i}`,
        type: 'text',
        text: `m${i + 1}`,
        replyTo: null,
        attachment: null,
      });
      await store.database.db
        .updateTable('messages')
        .set({ created_at: now - age })
        .where('id', '=', message.id)
        .execute();
    }
    return id;
  }

  const seqsOf = async (id: string) => (await store.messages.history(id, { after: 0, limit: 100 })).messages.map((m) => m.seq);

  it('deletes the old prefix in batches, never a hole, and moves firstSeq past it', async () => {
    const now = Date.now();
    const DAY = 24 * 3600_000;
    // Seqs 1-5 old, 6 new, 7 old again (clock skew between nodes), 8 new.
    const id = await conversationWith([DAY, DAY, DAY, DAY, DAY, 0, DAY, 0], now);
    expect(await store.messages.firstSeq(id)).toBe(1);
    expect(await store.messages.pruneOlderThan(id, now - 3600_000, 2)).toEqual({ firstSeq: 6, deleted: 5 });
    expect(await seqsOf(id)).toEqual([6, 7, 8]);
    expect(await store.messages.firstSeq(id)).toBe(6);
    expect(await store.messages.pruneOlderThan(id, now - 3600_000, 2)).toEqual({ firstSeq: 6, deleted: 0 });
    // Everything old: all goes, firstSeq is one past the last seq, and the next message continues the seqs.
    expect(await store.messages.pruneOlderThan(id, now + 3600_000, 2)).toEqual({ firstSeq: 9, deleted: 3 });
    expect(await seqsOf(id)).toEqual([]);
    expect(await store.messages.firstSeq('no-such-conversation')).toBe(1);
  });

  it('the changes below the boundary go with the messages (edits, reactions), those above stay', async () => {
    const now = Date.now();
    const DAY = 24 * 3600_000;
    const id = await conversationWith([DAY, DAY, 0], now); // seqs 1, 2 old; 3 new
    const [old, , fresh] = (await store.messages.history(id, { after: 0, limit: 10 })).messages;
    const owner = old?.senderId ?? '';
    const change = (messageId: string, spec: Parameters<typeof store.messageChanges.apply>[0]['spec']) =>
      store.messageChanges.apply({
        conversationId: id,
        messageId,
        userId: owner,
        clientId: `${Math.random()}`,
        spec,
        allow: () => undefined,
      });
    await change(old?.id ?? '', { kind: 'reaction', emoji: '👍', added: true }); // seq 4
    await change(fresh?.id ?? '', { kind: 'edit', text: 'kept', mentions: [], groupMention: null }); // seq 5
    // The boundary is the first message not older than the cut (seq 3): the change at seq 4 is above it and stays.
    expect(await store.messages.pruneOlderThan(id, now - 3600_000, 10)).toEqual({ firstSeq: 3, deleted: 2 });
    expect((await store.messageChanges.changesBetween(id, 0, undefined, 10)).map((c) => c.data.seq)).toEqual([4, 5]);
    expect(await store.messageChanges.reactionsOf([old?.id ?? ''])).toEqual([]);
    // Everything old: the changes go too.
    await store.messages.pruneOlderThan(id, now + 3600_000, 10);
    expect(await store.messageChanges.changesBetween(id, 0, undefined, 10)).toEqual([]);
  });

  it('sweeps every conversation, keeping the ones with nothing old', async () => {
    const now = Date.now();
    const DAY = 24 * 3600_000;
    const old = await conversationWith([DAY, DAY, 0], now);
    const fresh = await conversationWith([0, 0], now);
    expect(await sweepMessages(store.messages, 3600_000, now)).toBeGreaterThanOrEqual(2);
    expect(await seqsOf(old)).toEqual([3]);
    expect(await seqsOf(fresh)).toEqual([1, 2]);
    expect(await store.messages.firstSeq(fresh)).toBe(1);
    expect(await store.messages.conversationIdsAfter('', 1000)).toEqual(expect.arrayContaining([old, fresh]));
  });
});
