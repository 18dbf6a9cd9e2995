/**
 * Delivery guarantees against the real server through a real TCP proxy: the outbox (queued while
 * disconnected, resent after a lost ack without a duplicate), exactly-once in-order delivery under
 * random connection cuts, and handler isolation.
 */
import type { HistoryResult, SendMessageResult } from '@herald/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, Inbox, nodeClient, range, startHarness, waitForState } from './harness.js';

let h: Harness;
const cleanup: (() => void)[] = [];

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  for (const fn of cleanup) fn();
  await h.close();
});

async function history(token: string, conversationId: string): Promise<HistoryResult> {
  const response = await h.api.request<HistoryResult>('GET', `/api/v1/conversations/${conversationId}/messages?limit=200`, { token });
  return response.body;
}

/** A small deterministic PRNG (mulberry32), so a failing run can be replayed. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('requests of every kind', () => {
  it('sends mark_read with the envelope type the protocol requires, and typing events', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const reader = nodeClient(h.server.wsUrl, bob.accessToken);
    const writer = nodeClient(h.server.wsUrl, alice.accessToken);
    cleanup.push(
      () => reader.client.dispose(),
      () => writer.client.dispose(),
    );
    await Promise.all([reader.client.connect(), writer.client.connect()]);
    await h.api.sendText(alice.accessToken, conversationId, 'read me');
    const result = await reader.client.request('mark_read', { conversationId, seq: 1 });
    expect(result).toEqual({ conversationId, lastReadSeq: 1, unreadCount: 0 });
    const typing = new Promise<unknown>((resolve) => writer.client.on('typing_status', (frame) => resolve(frame.data)));
    expect(reader.client.sendEvent('typing_status', { conversationId, isTyping: true })).toBe(true);
    expect(await typing).toEqual({ conversationId, userId: bob.user.id, isTyping: true });
  });
});

describe('malformed requests', () => {
  it('a message is refused before it is queued; any other request is refused by the server with invalid_frame and the issue’s path', async () => {
    const { alice, conversationId } = await h.api.directPair();
    const { client } = nodeClient(h.server.wsUrl, alice.accessToken);
    cleanup.push(() => client.dispose());
    await client.connect();
    await expect(client.sendMessage(conversationId, { text: 'x'.repeat(20_000) })).rejects.toMatchObject({ code: 'too_big' });
    await expect(client.sendMessage(conversationId, { type: 'image' })).rejects.toMatchObject({ code: 'invalid_frame' });
    expect(client.pendingMessages()).toEqual([]);
    const refused = client.request('history', { conversationId, limit: 0 });
    await expect(refused).rejects.toMatchObject({
      code: 'invalid_frame',
      details: expect.arrayContaining([expect.objectContaining({ path: 'data.limit' })]),
    });
    // The connection is still good for the next request.
    await expect(client.request('history', { conversationId })).resolves.toMatchObject({ messages: [] });
  });
});

describe('delivery (real server, real proxy)', () => {
  it('messages sent while disconnected arrive once, in order, after reconnect', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const sender = nodeClient(h.proxy.wsUrl(), alice.accessToken, { reconnect: { baseDelayMs: 400, maxDelayMs: 400, maxAttempts: 100 } });
    const receiver = nodeClient(h.server.wsUrl, bob.accessToken);
    cleanup.push(
      () => sender.client.dispose(),
      () => receiver.client.dispose(),
    );
    const inbox = new Inbox(receiver.client, conversationId);
    await Promise.all([sender.client.connect(), receiver.client.connect()]);
    await receiver.client.subscribeConversation(conversationId, { since: 0 });

    h.proxy.cut();
    await waitForState(sender.client, (s) => s.status === 'reconnecting');
    const sends = range(5).map((n) => sender.client.sendMessage(conversationId, { text: `offline ${n}` }));
    expect(sender.client.pendingMessages()).toHaveLength(5);
    expect(inbox.frames).toHaveLength(0);

    const results = await Promise.all(sends);
    expect(results.map((r) => [r.seq, r.duplicate])).toEqual(range(5).map((seq) => [seq, false]));
    await inbox.waitForCount(5);
    expect(inbox.texts).toEqual(range(5).map((n) => `offline ${n}`));
    expect(sender.client.pendingMessages()).toHaveLength(0);
    expect((await history(bob.accessToken, conversationId)).messages).toHaveLength(5);
    sender.client.dispose();
    receiver.client.dispose();
  });

  it('a send whose ack was lost is resent with the same id and not duplicated', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const sender = nodeClient(h.proxy.wsUrl(), alice.accessToken);
    const receiver = nodeClient(h.server.wsUrl, bob.accessToken);
    cleanup.push(
      () => sender.client.dispose(),
      () => receiver.client.dispose(),
    );
    const inbox = new Inbox(receiver.client, conversationId);
    await Promise.all([sender.client.connect(), receiver.client.connect()]);
    await receiver.client.subscribeConversation(conversationId, { since: 0 });

    h.proxy.stall('toClient'); // the frame reaches the server; its ack will not come back
    const sent = sender.client.sendMessage(conversationId, { text: 'fate unknown' }, { id: 'ack-lost-1' });
    await inbox.waitForCount(1); // stored and broadcast: only the ack is missing
    h.proxy.cut();
    h.proxy.restore();
    const result: SendMessageResult = await sent;
    expect(result).toMatchObject({ seq: 1, duplicate: true }); // the resend was recognised
    await sender.client.sendMessage(conversationId, { text: 'marker' });
    await inbox.waitForCount(2);
    expect(inbox.frames.map((f) => [f.data.text, f.data.clientId])).toEqual([
      ['fate unknown', 'ack-lost-1'],
      ['marker', expect.any(String)],
    ]);
    expect((await history(bob.accessToken, conversationId)).messages.map((m) => m.text)).toEqual(['fate unknown', 'marker']);
    sender.client.dispose();
    receiver.client.dispose();
  });

  it('1,000 messages with connections cut at random points reach a subscriber exactly once, in order', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const random = prng(20_240_601);
    const sender = nodeClient(h.proxy.wsUrl(), alice.accessToken, { outbox: { capacity: 1000 } });
    const receiver = nodeClient(h.proxy.wsUrl(), bob.accessToken);
    cleanup.push(
      () => sender.client.dispose(),
      () => receiver.client.dispose(),
    );
    const inbox = new Inbox(receiver.client, conversationId);
    await Promise.all([sender.client.connect(), receiver.client.connect()]);
    await receiver.client.subscribeConversation(conversationId, { since: 0 });

    // Cut every connection (both clients') whenever the receiver reaches the next random count.
    let nextCut = 20 + Math.floor(random() * 150);
    let cuts = 0;
    const stopCutting = receiver.client.on('new_message', () => {
      if (inbox.frames.length < nextCut) return;
      h.proxy.cut();
      cuts++;
      nextCut = inbox.frames.length + 20 + Math.floor(random() * 150);
    });
    const sends = range(1000, 0).map((n) => sender.client.sendMessage(conversationId, { text: String(n) }));
    const results = await Promise.all(sends);
    await inbox.waitForCount(1000, 60_000);
    stopCutting();

    expect(cuts).toBeGreaterThanOrEqual(5);
    expect(inbox.seqs).toEqual(range(1000));
    expect(inbox.texts).toEqual(range(1000, 0).map(String));
    expect(new Set(results.map((r) => r.seq)).size).toBe(1000);
    expect(receiver.client.lastSeq(conversationId)).toBe(1000);
    const latest = await history(bob.accessToken, conversationId);
    expect(latest.messages.at(-1)?.seq).toBe(1000); // seq is gapless, so 1000 rows and not one more
    sender.client.dispose();
    receiver.client.dispose();
  }, 120_000);

  it('a throwing or rejecting handler does not stop the others or the connection', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const { client, errors } = nodeClient(h.proxy.wsUrl(), bob.accessToken);
    cleanup.push(() => client.dispose());
    client.on('new_message', () => {
      throw new Error('sync failure');
    });
    client.on('new_message', async () => {
      throw new Error('async failure');
    });
    const inbox = new Inbox(client, conversationId);
    const anyActions: string[] = [];
    client.onAny((frame) => void anyActions.push(frame.action));
    await client.connect();
    const connections = h.proxy.totalConnections;
    await client.subscribeConversation(conversationId, { since: 0 });
    for (const n of range(3)) await h.api.sendText(alice.accessToken, conversationId, `m${n}`);
    await inbox.waitForCount(3);
    expect(inbox.texts).toEqual(['m1', 'm2', 'm3']);
    expect(anyActions.filter((a) => a === 'new_message')).toHaveLength(3);
    await expect.poll(() => errors.length).toBe(6);
    expect(errors.map((e) => e.message).sort()).toEqual([
      ...Array(3).fill('a new_message handler failed: async failure'),
      ...Array(3).fill('a new_message handler failed: sync failure'),
    ]);
    expect(client.getState().status).toBe('connected');
    expect(h.proxy.totalConnections).toBe(connections);
    client.dispose();
  });
});
