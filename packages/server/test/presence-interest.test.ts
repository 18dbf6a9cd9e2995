/**
 * Presence by interest and large groups, against a real server (SQLite file) and real sockets:
 * `presence_subscribe` answers with the current state and then sends changes as one
 * `presence_batch` per tick, `presence_unsubscribe` stops them, strangers are left out; a
 * 300-member group where everyone connects costs O(members) presence frames, not O(members²);
 * typing and read receipts in a large group reach only the sessions that have it open;
 * `conversation_presence` counts who is online.
 */
import { LARGE_GROUP_MIN_MEMBERS, type Presence, type ServerFrame } from '@herald/protocol';
import { ApiClient, type SeededAccount, seedAccounts, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const GRACE_MS = 300;
let server: TestServer;
let api: ApiClient;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  server = await startTestServer({
    env: {
      HERALD_RATE_PER_SECOND: '1000',
      HERALD_RATE_BURST: '1000',
      HERALD_PRESENCE_GRACE_MS: String(GRACE_MS),
      // Hundreds of sockets from one loopback address.
      HERALD_IP_PENDING_SOCKETS: '100000',
      HERALD_IP_HANDSHAKES_PER_MINUTE: '100000',
    },
  });
  api = new ApiClient(server.url);
});

afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await server.destroy();
});

async function connect(auth: SeededAccount): Promise<TestSocket> {
  const socket = await TestSocket.connect(server.wsUrl, auth.accessToken, 'desktop');
  sockets.push(socket);
  return socket;
}

/** Everything the server queued for this socket before now has arrived. */
async function flush(socket: TestSocket): Promise<void> {
  const id = socket.sendFrame({ action: 'heartbeat', type: 'heartbeat', data: {} });
  await socket.waitFor((f) => f.action === 'heartbeat' && f.data.ref === id);
}

/** `count` users with a session and an access token each (seeded, not registered: argon2 would take a minute for 300). */
const registerMany = (count: number, prefix: string): Promise<SeededAccount[]> => seedAccounts(server, count, prefix);

const isPresence = (f: ServerFrame) => f.action === 'presence_update' || f.action === 'presence_batch';
const batchOf = (f: ServerFrame) => (f.action === 'presence_batch' ? f.data.presence : []);
const subscribe = async (socket: TestSocket, userIds: string[]) =>
  (await socket.request({ action: 'presence_subscribe', type: 'control', data: { userIds } })) as { presence: Presence[] };

describe('presence subscriptions', () => {
  it('answer with the current state, then batch changes; unsubscribe stops them; strangers are left out', async () => {
    const [watcher, a, b, stranger] = await registerMany(4, 'Sub');
    if (!watcher || !a || !b || !stranger) throw new Error('registration failed');
    await api.conversation(watcher.accessToken, { kind: 'group', title: 'three', memberIds: [a.user.id, b.user.id] });
    const w = await connect(watcher);
    const aSocket = await connect(a);

    const first = await subscribe(w, [a.user.id, b.user.id, stranger.user.id, a.user.id]);
    expect(first.presence.map((p) => [p.userId, p.online])).toEqual([
      [a.user.id, true],
      [b.user.id, false],
    ]);

    // b and the stranger come online in the same moment: a batch carries b (with a, if a's own
    // arrival was still to be told when the watch began); the stranger never shows.
    const bSocket = await connect(b);
    await connect(stranger);
    const batch = await w.waitFor((f) => batchOf(f).some((p) => p.userId === b.user.id && p.online));
    expect(batchOf(batch).map((p) => p.userId)).toContain(b.user.id);
    expect(batchOf(batch).every((p) => p.online && [a.user.id, b.user.id].includes(p.userId))).toBe(true);

    // a leaves: after the grace period, one batch says so.
    aSocket.ws.close();
    const left = await w.waitFor((f) => batchOf(f).some((p) => p.userId === a.user.id && !p.online));
    expect(batchOf(left)[0]).toMatchObject({ userId: a.user.id, online: false, lastSeenAt: expect.any(Number) });

    expect(await w.request({ action: 'presence_unsubscribe', type: 'control', data: { userIds: [b.user.id] } })).toEqual({ watching: 1 });
    bSocket.ws.close();
    // b's offline reaches the watcher only through the small group's presence_update, never as a batch.
    await w.waitFor((f) => f.action === 'presence_update' && f.data.userId === b.user.id && !f.data.online);
    await flush(w);
    expect(w.frames.filter((f) => batchOf(f).some((p) => p.userId === b.user.id && !p.online))).toEqual([]);
    expect(w.frames.some((f) => isPresence(f) && JSON.stringify(f.data).includes(stranger.user.id))).toBe(false);

    // Bad input: a clear error, and the socket keeps serving.
    const refused = w.sendFrame({ action: 'presence_subscribe', type: 'control', data: { userIds: [] } });
    expect((await w.waitFor((f) => f.action === 'error' && f.data.ref === refused)).data).toMatchObject({ code: 'invalid_frame' });
    await flush(w);
  });

  it('conversation_presence counts the members online, for members only', async () => {
    const [owner, a, b, outsider] = await registerMany(4, 'Count');
    if (!owner || !a || !b || !outsider) throw new Error('registration failed');
    const conversationId = await api.conversation(owner.accessToken, { kind: 'group', title: 'count', memberIds: [a.user.id, b.user.id] });
    const o = await connect(owner);
    await connect(a);
    expect(await o.request({ action: 'conversation_presence', type: 'control', data: { conversationId } })).toEqual({
      conversationId,
      members: 3,
      online: 2,
    });
    const x = await connect(outsider);
    const id = x.sendFrame({ action: 'conversation_presence', type: 'control', data: { conversationId } });
    expect((await x.waitFor((f) => f.action === 'error' && f.data.ref === id)).data).toMatchObject({ code: 'forbidden' });
  });
});

describe('a 300-member group', () => {
  const MEMBERS = 300;
  let members: SeededAccount[] = [];
  let conversationId = '';
  let connected: TestSocket[] = [];

  beforeAll(async () => {
    members = await registerMany(MEMBERS, 'Big');
    const [owner, ...rest] = members;
    if (!owner) throw new Error('registration failed');
    conversationId = await api.conversation(owner.accessToken, { kind: 'group', title: 'everyone', memberIds: rest.map((m) => m.user.id) });
  }, 180_000);

  it('where everyone connects costs O(members) presence frames, and watchers still see everyone they watch come online', async () => {
    expect(MEMBERS).toBeGreaterThanOrEqual(LARGE_GROUP_MIN_MEMBERS);
    // Ten members show twenty others each (a member list, say) before the rest connect.
    const watchers = members.slice(0, 10);
    const watched = members.slice(10, 30).map((m) => m.user.id);
    const watcherSockets = await Promise.all(watchers.map((m) => connect(m)));
    for (const socket of watcherSockets) await subscribe(socket, watched);
    const others = await Promise.all(members.slice(10).map((m) => connect(m)));
    connected = [...watcherSockets, ...others];
    // Every watcher learns that each of its twenty came online (batched: far fewer frames than changes).
    for (const socket of watcherSockets) {
      const online = new Set<string>();
      await socket.waitFor((f) => {
        for (const p of batchOf(f)) if (p.online) online.add(p.userId);
        return watched.every((id) => online.has(id));
      }, 10_000);
    }
    // The rest of the presence work is done too: a user who shares a direct conversation with the
    // last member comes online, and that member hears it after every earlier change was told.
    const last = members[MEMBERS - 1];
    const lastSocket = others.at(-1);
    if (!last || !lastSocket) throw new Error('no last member');
    const [sentinel] = await registerMany(1, 'Sentinel');
    if (!sentinel) throw new Error('registration failed');
    await api.conversation(sentinel.accessToken, { kind: 'direct', userId: last.user.id });
    await connect(sentinel);
    await lastSocket.waitFor((f) => f.action === 'presence_update' && f.data.userId === sentinel.user.id, 10_000);
    await Promise.all(connected.map(flush));

    const frames = connected.map((s) => s.frames.filter(isPresence).length);
    const total = frames.reduce((a, b) => a + b, 0);
    // Membership alone would have been ~members²/2 = 45,000 presence_update frames.
    expect(total).toBeLessThanOrEqual(2 * MEMBERS);
    // Only the watchers got batches, and only the sentinel's partner a presence_update.
    expect(frames.slice(10, -1).every((n) => n === 0)).toBe(true);
    for (const socket of watcherSockets) expect(socket.frames.filter(isPresence).every((f) => f.action === 'presence_batch')).toBe(true);
  }, 120_000);

  it('relays typing and read receipts only to the sessions that have it open (and the reader’s own)', async () => {
    const [typist, viewer1, viewer2, bystander] = connected.slice(40, 44);
    if (!typist || !viewer1 || !viewer2 || !bystander) throw new Error('not connected');
    for (const socket of [typist, viewer1, viewer2]) {
      await socket.request({ action: 'subscribe', type: 'control', data: { conversationId } });
    }
    typist.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId, isTyping: true } });
    await Promise.all([viewer1, viewer2].map((v) => v.waitFor((f) => f.action === 'typing_status' && f.data.isTyping)));
    // The relay wrote to every local socket in one pass: what a bystander would get is already on its way.
    await Promise.all(connected.map(flush));
    const typingFrames = connected.filter((s) => s.frames.some((f) => f.action === 'typing_status'));
    expect(typingFrames).toHaveLength(2);
    expect(typingFrames).toEqual(expect.arrayContaining([viewer1, viewer2]));

    // A viewer closes it: no more typing for it.
    await viewer2.request({ action: 'unsubscribe', type: 'control', data: { conversationId } });
    typist.sendFrame({ action: 'typing_status', type: 'typing', data: { conversationId, isTyping: false } });
    await viewer1.waitFor((f) => f.action === 'typing_status' && !f.data.isTyping);
    await flush(viewer2);
    expect(viewer2.frames.filter((f) => f.action === 'typing_status')).toHaveLength(1);

    // Read receipts: the viewer and the reader's own sessions, not the bystander.
    await api.sendText(members[0]?.accessToken ?? '', conversationId, 'read me');
    await bystander.waitFor((f) => f.action === 'new_message' && f.data.conversationId === conversationId);
    const readerOtherTab = await connect(members[40] as SeededAccount);
    await typist.request({ action: 'mark_read', type: 'read', data: { conversationId, seq: 1 } });
    await Promise.all([viewer1, readerOtherTab].map((s) => s.waitFor((f) => f.action === 'read_status' && f.data.lastReadSeq === 1)));
    await flush(bystander);
    expect(bystander.frames.filter((f) => f.action === 'read_status')).toEqual([]);
  }, 60_000);
});
