/**
 * Delivery receipts from the SDK against the real server (through a real TCP proxy): the client
 * confirms by itself what reached it live, what a catch-up after a reconnect brought, and what a
 * history page returned; the sender's client hears `delivery_status`; a burst costs few frames.
 */
import type { ServerFrameOf } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Inbox, nodeClient, startHarness, waitForState } from './harness.js';

let h: Harness;
const cleanup: (() => void)[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  for (const fn of cleanup) fn();
  await h.close();
});

/** Resolves with the first `delivery_status` of `userId` at or past `seq` that `client` hears. */
function deliveredTo(client: ReturnType<typeof nodeClient>['client'], userId: string, seq: number) {
  const seen: ServerFrameOf<'delivery_status'>['data'][] = [];
  const reached = new Promise<void>((resolve) =>
    client.on('delivery_status', (frame) => {
      if (frame.data.userId !== userId) return;
      seen.push(frame.data);
      if (frame.data.deliveredSeq >= seq) resolve();
    }),
  );
  return { seen, reached };
}

describe('delivery receipts from the SDK', () => {
  it('confirms live messages and a catch-up after a reconnect by itself, in few frames', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const sender = nodeClient(h.server.wsUrl, alice.accessToken);
    const receiver = nodeClient(h.proxy.wsUrl(), bob.accessToken, { reconnect: { baseDelayMs: 300, maxDelayMs: 300, maxAttempts: 100 } });
    cleanup.push(
      () => sender.client.dispose(),
      () => receiver.client.dispose(),
    );
    await Promise.all([sender.client.connect(), receiver.client.connect()]);
    const inbox = new Inbox(receiver.client, conversationId);
    await receiver.client.subscribeConversation(conversationId, { since: 0 });

    // Live: ten messages in a burst reach Bob; Alice hears him confirm up to 10, in a few frames.
    const live = deliveredTo(sender.client, bob.user.id, 10);
    for (let i = 1; i <= 10; i++) await sender.client.sendMessage(conversationId, { text: `m${i}` });
    await inbox.waitForCount(10);
    await live.reached;
    expect(live.seen.length).toBeLessThanOrEqual(4);

    // Bob's connection dies; Alice sends two more; Bob's catch-up brings them and he confirms them.
    h.proxy.cut();
    await waitForState(receiver.client, (s) => s.status === 'reconnecting');
    const caughtUp = deliveredTo(sender.client, bob.user.id, 12);
    await sender.client.sendMessage(conversationId, { text: 'while away 1' });
    await sender.client.sendMessage(conversationId, { text: 'while away 2' });
    await inbox.waitForCount(12);
    await caughtUp.reached;
    const list = await h.api.rest.conversations.get({ params: { id: conversationId }, token: alice.accessToken });
    expect(list.conversation.members.find((m) => m.userId === bob.user.id)?.deliveredSeq).toBe(12);
    // Alice's own messages are never confirmed by her client.
    expect(list.conversation.members.find((m) => m.userId === alice.user.id)?.deliveredSeq).toBe(0);
  });

  it('confirms what a history page brought, without a subscription', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    for (const text of ['one', 'two', 'three']) await h.api.sendText(alice.accessToken, conversationId, text);
    const sender = nodeClient(h.server.wsUrl, alice.accessToken);
    const reader = nodeClient(h.server.wsUrl, bob.accessToken);
    cleanup.push(
      () => sender.client.dispose(),
      () => reader.client.dispose(),
    );
    await Promise.all([sender.client.connect(), reader.client.connect()]);
    const delivered = deliveredTo(sender.client, bob.user.id, 3);
    const page = await reader.client.request('history', { conversationId, limit: 50 });
    expect(page.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    await delivered.reached;
  });
});
