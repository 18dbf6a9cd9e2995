/**
 * Delivery receipts end to end over real sockets: `mark_delivered` is monotonic and clamped, refused
 * for non-members and bad input, coalesced into few `delivery_status` frames, kept from a blocked
 * peer like read receipts, carried by the conversation list (so a reconnecting sender sees it), on
 * SQLite and PostgreSQL; and across two nodes over real Redis + PostgreSQL.
 */
import type { AuthResponse, Conversation, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, redisAvailable, startTestServer, startTwoNodes, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();
const hasCluster = hasPostgres && (await redisAvailable());

const isDelivered =
  (conversationId: string, userId?: string, deliveredSeq?: number) =>
  (f: ServerFrame): f is ServerFrameOf<'delivery_status'> =>
    f.action === 'delivery_status' &&
    f.data.conversationId === conversationId &&
    (userId === undefined || f.data.userId === userId) &&
    (deliveredSeq === undefined || f.data.deliveredSeq === deliveredSeq);

const markDelivered = (socket: TestSocket, conversationId: string, seq: number) =>
  socket.request({ action: 'mark_delivered', type: 'delivery', data: { conversationId, seq } });

/** Everything the server queued for this socket before now has arrived. */
async function flush(socket: TestSocket): Promise<void> {
  const id = socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
  await socket.waitFor((f) => f.action === 'heartbeat' && f.data.ref === id);
}

async function members(api: ApiClient, auth: AuthResponse, conversationId: string) {
  const list = await api.request<{ conversations: Conversation[] }>('GET', '/api/v1/conversations', { token: auth.accessToken });
  return list.body.conversations.find((c) => c.id === conversationId)?.members ?? [];
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`delivery receipts on ${database}`, () => {
    let server: TestServer;
    let api: ApiClient;
    const sockets: TestSocket[] = [];
    const connect = async (auth: AuthResponse) => {
      const socket = await TestSocket.connect(server.wsUrl, auth.accessToken);
      sockets.push(socket);
      return socket;
    };

    beforeAll(async () => {
      server = await startTestServer({ database, env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
      api = new ApiClient(server.url);
    });
    afterAll(async () => {
      for (const s of sockets) s.ws.terminate();
      await server.destroy();
    });

    it('moves forward only, clamps to the last seq, tells the sender, and the list carries it', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const [a, b] = [await connect(alice), await connect(bob)];
      for (const text of ['one', 'two', 'three']) await a.request({ action: 'send_message', type: 'text', data: { conversationId, text } });

      expect(await markDelivered(b, conversationId, 2)).toEqual({ conversationId, deliveredSeq: 2 });
      const first = await a.waitFor(isDelivered(conversationId, bob.user.id));
      expect(first).toMatchObject({ type: 'delivery', data: { conversationId, userId: bob.user.id, deliveredSeq: 2 } });
      // Backwards: a no-op. Past the end: clamped to the last seq.
      expect(await markDelivered(b, conversationId, 1)).toEqual({ conversationId, deliveredSeq: 2 });
      expect(await markDelivered(b, conversationId, 99)).toEqual({ conversationId, deliveredSeq: 3 });
      await a.waitFor(isDelivered(conversationId, bob.user.id, 3));
      await flush(a);
      expect(a.frames.filter(isDelivered(conversationId, bob.user.id)).map((f) => f.data.deliveredSeq)).toEqual([2, 3]);
      // A sender who was away reads it from the conversation list (and `get`).
      const bobAsMember = (await members(api, alice, conversationId)).find((m) => m.userId === bob.user.id);
      expect(bobAsMember).toMatchObject({ deliveredSeq: 3, lastReadSeq: 0 });
    });

    it('refuses non-members, unknown conversations and bad seqs with clear codes, and keeps serving', async () => {
      const [alice, bob, mallory] = [await api.register('Alice'), await api.register('Bob'), await api.register('Mallory')];
      const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const [a, m] = [await connect(alice), await connect(mallory)];
      await a.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'hi' } });
      await expect(markDelivered(m, conversationId, 1)).rejects.toMatchObject({ data: { code: 'forbidden' } });
      await expect(markDelivered(m, 'no-such-conversation', 1)).rejects.toMatchObject({ data: { code: 'forbidden' } });
      for (const seq of [-1, 1.5, '3']) {
        await expect(
          m.request({ action: 'mark_delivered', type: 'delivery', data: { conversationId, seq } } as never),
        ).rejects.toMatchObject({ data: { code: 'invalid_frame' } });
      }
      expect((await members(api, alice, conversationId)).map((x) => x.deliveredSeq)).toEqual([0, 0]);
      // The socket still works after every refusal.
      expect(await markDelivered(a, conversationId, 1)).toEqual({ conversationId, deliveredSeq: 1 });
    });

    it('coalesces a burst of confirmations from several devices into at most a few frames', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const a = await connect(alice);
      const [phone, laptop] = [await connect(bob), await connect(bob)];
      for (let i = 0; i < 10; i++) await a.request({ action: 'send_message', type: 'text', data: { conversationId, text: `m${i}` } });
      await Promise.all(Array.from({ length: 10 }, (_, i) => markDelivered(i % 2 ? phone : laptop, conversationId, i + 1)));
      await a.waitFor(isDelivered(conversationId, bob.user.id, 10));
      await flush(a);
      const seen = a.frames.filter(isDelivered(conversationId, bob.user.id)).map((f) => f.data.deliveredSeq);
      expect(seen.length).toBeLessThanOrEqual(2);
      expect(seen).toEqual([...seen].sort((x, y) => x - y));
    });

    it('tells a blocked peer nothing, while the member’s own devices still hear it', async () => {
      const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
      const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
      const [a, b, bobPhone] = [await connect(alice), await connect(bob), await connect(bob)];
      await a.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'hi' } });
      const blocked = await api.request('PUT', `/api/v1/users/${alice.user.id}/block`, { token: bob.accessToken });
      expect(blocked.status).toBeLessThan(300);
      expect(await markDelivered(b, conversationId, 1)).toEqual({ conversationId, deliveredSeq: 1 });
      await bobPhone.waitFor(isDelivered(conversationId, bob.user.id, 1));
      await flush(a);
      expect(a.frames.filter(isDelivered(conversationId))).toEqual([]);
    });
  });
}

describe.skipIf(!hasCluster)('delivery receipts across two nodes (PostgreSQL + Redis)', () => {
  let one: TestServer;
  let two: TestServer;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    [one, two] = await startTwoNodes({ HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' }, ['node-1', 'node-2']);
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await two?.destroy();
    await one?.destroy();
  });

  it('a confirmation on one node reaches the sender on the other', async () => {
    const [api1, api2] = [new ApiClient(one.url), new ApiClient(two.url)];
    const alice = await api1.register('Alice');
    const bob = await api2.register('Bob');
    const conversationId = await api1.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    const a = await TestSocket.connect(one.wsUrl, alice.accessToken);
    const b = await TestSocket.connect(two.wsUrl, bob.accessToken);
    sockets.push(a, b);
    await a.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'across' } });
    expect(await markDelivered(b, conversationId, 1)).toEqual({ conversationId, deliveredSeq: 1 });
    const frame = await a.waitFor(isDelivered(conversationId, bob.user.id, 1));
    expect(frame.data).toEqual({ conversationId, userId: bob.user.id, deliveredSeq: 1 });
    expect((await members(api2, alice, conversationId)).find((m) => m.userId === bob.user.id)?.deliveredSeq).toBe(1);
  });
});
