/**
 * Two server nodes sharing one PostgreSQL schema and one Redis channel, as behind a load balancer:
 * users on different nodes chat, every message reaches every session once, a resume on the other
 * node is gapless, and presence and stats see the whole cluster.
 */
import type { AuthResponse, ServerFrameOf, Stats } from '@herald/protocol';
import { ApiClient, postgresAvailable, redisAvailable, startTwoNodes, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ready = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!ready)('cluster: two nodes, PostgreSQL + Redis', () => {
  let one: TestServer;
  let two: TestServer;
  let admin: AuthResponse;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    [one, two] = await startTwoNodes({ HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' }, ['node-1', 'node-2']);
    admin = await new ApiClient(two.url).register('Admin'); // the first account of the shared database
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    await two?.destroy();
    await one?.destroy();
  });

  const connect = async (server: TestServer, token: string) => {
    const socket = await TestSocket.connect(server.wsUrl, token);
    sockets.push(socket);
    return socket;
  };

  it('delivers across nodes: each message once to every session, resumable on the other node', async () => {
    const api1 = new ApiClient(one.url);
    const api2 = new ApiClient(two.url);
    const alice = await api1.register('Alice');
    const bob = await api2.register('Bob');
    const conversationId = await api1.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
    const aliceOn1 = await connect(one, alice.accessToken);
    const aliceOn2 = await connect(two, alice.accessToken);
    const bobOn2 = await connect(two, bob.accessToken);
    await bobOn2.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 0 } });

    // Both users send concurrently, each through a different node.
    await Promise.all([
      (async () => {
        for (let i = 0; i < 20; i++)
          await aliceOn1.request({ action: 'send_message', type: 'text', data: { conversationId, text: `a${i}` } });
      })(),
      (async () => {
        for (let i = 0; i < 20; i++)
          await bobOn2.request({ action: 'send_message', type: 'text', data: { conversationId, text: `b${i}` } });
      })(),
    ]);
    const all = Array.from({ length: 40 }, (_, i) => i + 1);
    for (const socket of [aliceOn1, aliceOn2, bobOn2]) {
      await socket.waitForCount((f) => f.action === 'new_message' && f.data.conversationId === conversationId, 40);
      const seqs = socket.messages(conversationId).map((f) => f.data.seq);
      expect([...seqs].sort((a, b) => a - b)).toEqual(all); // every message once, none twice
    }
    // Each sender's own messages keep their order everywhere.
    const texts = bobOn2.messages(conversationId).map((f) => f.data.text);
    expect(texts.filter((t) => t.startsWith('a'))).toEqual(Array.from({ length: 20 }, (_, i) => `a${i}`));

    // Bob reconnects to the other node and resumes from seq 25: exactly the rest.
    const bobOn1 = await connect(one, bob.accessToken);
    const result = (await bobOn1.request({ action: 'subscribe', type: 'control', data: { conversationId, since: 25 } })) as {
      lastSeq: number;
    };
    expect(result.lastSeq).toBe(40);
    expect(bobOn1.messages(conversationId).map((f) => f.data.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 26));
  });

  it('interleaved messages and changes from two nodes reach every session in one gapless seq order', async () => {
    const api1 = new ApiClient(one.url);
    const erin = await api1.register('Erin');
    const fay = await new ApiClient(two.url).register('Fay');
    const conversationId = await api1.conversation(erin.accessToken, { kind: 'group', title: 'changes', memberIds: [fay.user.id] });
    const erinOn1 = await connect(one, erin.accessToken);
    const fayOn2 = await connect(two, fay.accessToken);
    const first = (await erinOn1.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'base' } })) as {
      messageId: string;
    };
    // Erin edits through node 1 while Fay reacts through node 2 and both keep sending. Fay's reactions
    // change something only the first three times (🎉 on, 👍 on, 🎉 off; the rest repeat a state and
    // take no seq): 1 + 10 + 10 + 3 + 10 = 34 seqs.
    await Promise.all([
      (async () => {
        for (let i = 0; i < 10; i++) {
          await erinOn1.request({
            action: 'edit_message',
            type: 'control',
            data: { conversationId, messageId: first.messageId, text: `base v${i}` },
          });
          await erinOn1.request({ action: 'send_message', type: 'text', data: { conversationId, text: `e${i}` } });
        }
      })(),
      (async () => {
        for (let i = 0; i < 10; i++) {
          await fayOn2.request({
            action: 'react',
            type: 'control',
            data: { conversationId, messageId: first.messageId, emoji: i % 2 ? '👍' : '🎉', remove: i >= 2 && i % 2 === 0 },
          });
          await fayOn2.request({ action: 'send_message', type: 'text', data: { conversationId, text: `f${i}` } });
        }
      })(),
    ]);
    const streamActions = new Set(['new_message', 'message_updated', 'reaction_updated']);
    for (const socket of [erinOn1, fayOn2]) {
      const frames = await socket.waitForCount(
        (f) => streamActions.has(f.action) && (f.data as { conversationId: string }).conversationId === conversationId,
        34,
      );
      const seqs = frames.map((f) => (f.data as { seq: number }).seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    }
    // Fay's copy, rebuilt from history, says the last edit and the reactions that stayed.
    const page = (await fayOn2.request({ action: 'history', type: 'control', data: { conversationId, limit: 1, before: 2 } })) as {
      messages: { text: string; reactions: { emoji: string; count: number }[] }[];
    };
    expect(page.messages[0]?.text).toBe('base v9');
    expect(page.messages[0]?.reactions.map((r) => [r.emoji, r.count])).toEqual([['👍', 1]]);
  });

  it('sees presence and stats of the whole cluster, and membership changes on every node', async () => {
    const api1 = new ApiClient(one.url);
    const carol = await api1.register('Carol');
    const dave = await api1.register('Dave');
    const conversationId = await api1.conversation(carol.accessToken, { kind: 'group', title: 'nodes', memberIds: [] });
    const daveOn2 = await connect(two, dave.accessToken);
    // Membership added through node 1 is seen by node 2 at once (cache dropped via the bus).
    await api1.request('POST', `/api/v1/conversations/${conversationId}/members`, {
      token: carol.accessToken,
      body: { userIds: [dave.user.id] },
    });
    const carolOn1 = await connect(one, carol.accessToken);
    const online = await daveOn2.waitFor((f) => f.action === 'presence_update' && f.data.userId === carol.user.id && f.data.online);
    expect(online.data).toMatchObject({ online: true, deviceTypes: ['desktop'] });
    const query = (await daveOn2.request({ action: 'presence_query', type: 'control', data: { userIds: [carol.user.id] } })) as {
      presence: ServerFrameOf<'presence_update'>['data'][];
    };
    expect(query.presence[0]).toMatchObject({ online: true });
    await carolOn1.request({ action: 'send_message', type: 'text', data: { conversationId, text: 'hello other node' } });
    await daveOn2.waitFor((f) => f.action === 'new_message' && f.data.text === 'hello other node');

    expect(admin.user.role).toBe('admin');
    const adminSocket = await connect(two, admin.accessToken);
    await adminSocket.request({ action: 'stats_subscribe', type: 'control', data: {} });
    const stats = await adminSocket.waitFor((f) => f.action === 'stats' && (f.data as Stats).nodes.length === 2, 8_000);
    expect((stats.data as Stats).nodes.map((n) => n.nodeId).sort()).toEqual(['node-1', 'node-2']);
  });
});
