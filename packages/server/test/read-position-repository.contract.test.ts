/**
 * ReadPositionRepository contract: a member's read position only moves forward and never past the
 * last seq, and unread counts leave out the member's own messages. Real SQLite and PostgreSQL.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('read position repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('moves forward only, stops at the last seq, and counts only others’ messages as unread', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'r',
      ownerId: a.id,
      directKey: null,
      memberIds: [a.id, b.id],
    });
    const senders = [a, b, b, a, a];
    await store.messages.appendMessages(
      senders.map((sender, i) => ({
        conversationId: id,
        senderId: sender.id,
        clientId: `r${i}`,
        type: 'text' as const,
        text: `${i}`,
        replyTo: null,
        attachment: null,
      })),
    );
    // Sending marks your own messages read: a is at 5, b at 3 (their last own message).
    expect(await store.readPositions.markRead(id, a.id, 2)).toEqual({ lastReadSeq: 5, unreadCount: 0 });
    expect(await store.readPositions.markRead(id, b.id, 2)).toEqual({ lastReadSeq: 3, unreadCount: 2 });
    expect(await store.readPositions.markRead(id, b.id, 4)).toEqual({ lastReadSeq: 4, unreadCount: 1 });
    expect(await store.readPositions.markRead(id, b.id, 1)).toEqual({ lastReadSeq: 4, unreadCount: 1 });
    expect(await store.readPositions.markRead(id, b.id, 99)).toEqual({ lastReadSeq: 5, unreadCount: 0 });
  });

  it('answers a non-member with nothing read and nothing unread', async () => {
    const [a, outsider] = [await newUser(), await newUser()];
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'x',
      ownerId: a.id,
      directKey: null,
      memberIds: [a.id],
    });
    expect(await store.readPositions.markRead(id, outsider.id, 3)).toEqual({ lastReadSeq: 0, unreadCount: 0 });
  });
});
