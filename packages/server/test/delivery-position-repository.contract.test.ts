/**
 * DeliveryPositionRepository contract: a member's delivered position only moves forward, never past
 * the conversation's last seq, says whether it moved, and shows in the member list. Real SQLite and PostgreSQL.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('delivered position repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  const send = (id: string, senderId: string, n: number) =>
    store.messages.appendMessages(
      Array.from({ length: n }, (_, i) => ({
        conversationId: id,
        senderId,
        clientId: `d${id}${i}${Math.random()}`,
        type: 'text' as const,
        text: `${i}`,
        replyTo: null,
        attachment: null,
      })),
    );

  it('moves forward only, stops at the last seq, reports whether it moved, and is listed per member', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'd',
      ownerId: a.id,
      directKey: null,
      memberIds: [a.id, b.id],
    });
    await send(id, a.id, 4);
    const delivered = store.deliveredPositions;
    expect(await delivered.markDelivered(id, b.id, 2)).toEqual({ deliveredSeq: 2, moved: true });
    expect(await delivered.markDelivered(id, b.id, 2)).toEqual({ deliveredSeq: 2, moved: false });
    expect(await delivered.markDelivered(id, b.id, 1)).toEqual({ deliveredSeq: 2, moved: false });
    expect(await delivered.markDelivered(id, b.id, 99)).toEqual({ deliveredSeq: 4, moved: true });
    expect(await delivered.markDelivered(id, b.id, 0)).toEqual({ deliveredSeq: 4, moved: false });
    const members = await store.conversations.listMembers(id);
    expect(members.map((m) => [m.userId, m.deliveredSeq, m.lastReadSeq])).toEqual([
      [a.id, 0, 4],
      [b.id, 4, 0],
    ]);
    // The read position is a separate column: delivering moves nothing else.
    await send(id, a.id, 1);
    expect(await delivered.markDelivered(id, b.id, 5)).toEqual({ deliveredSeq: 5, moved: true });
  });

  it('keeps the maximum under concurrent confirmations from several devices', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'c',
      ownerId: a.id,
      directKey: null,
      memberIds: [a.id, b.id],
    });
    await send(id, a.id, 30);
    const seqs = Array.from({ length: 30 }, (_, i) => 30 - i);
    const results = await Promise.all(seqs.map((seq) => store.deliveredPositions.markDelivered(id, b.id, seq)));
    expect(results.some((r) => r.moved && r.deliveredSeq === 30)).toBe(true);
    expect((await store.conversations.listMembers(id)).find((m) => m.userId === b.id)?.deliveredSeq).toBe(30);
  });

  it('answers a non-member and an unknown conversation with nothing delivered', async () => {
    const [a, outsider] = [await newUser(), await newUser()];
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'x',
      ownerId: a.id,
      directKey: null,
      memberIds: [a.id],
    });
    await send(id, a.id, 2);
    expect(await store.deliveredPositions.markDelivered(id, outsider.id, 2)).toEqual({ deliveredSeq: 0, moved: false });
    expect(await store.deliveredPositions.markDelivered('no-such-conversation', a.id, 2)).toEqual({ deliveredSeq: 0, moved: false });
  });
});
