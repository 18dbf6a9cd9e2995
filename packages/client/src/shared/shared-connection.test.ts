/**
 * Three clients ("tabs") sharing one socket through SharedConnection, over a fake BroadcastChannel
 * and fake Web Locks, against the FakeServer (the real thing runs in Chromium: apps/web/test/shared-connection.test.ts).
 */
import { MemoryOutboxStore } from '@herald/client';
import type { ServerFrame } from '@herald/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeServer } from '../../test/fake-socket.js';
import { FakeBroadcastNetwork, FakeLocks } from '../../test/fake-tabs.js';
import { createClient, type HeraldClient } from '../herald-client.js';
import { SharedConnection } from './shared-connection.js';

const CONVERSATION = 'c1';
const clients: HeraldClient[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.dispose();
});

function tabs(count: number, options: { locks?: boolean } = {}) {
  const server = new FakeServer();
  const network = new FakeBroadcastNetwork();
  const locks = new FakeLocks();
  const store = new MemoryOutboxStore();
  const made = Array.from({ length: count }, (_, i) => {
    const sharing = new SharedConnection(new network.Channel('herald-connection:u1'), {
      key: 'u1',
      locks: options.locks === false ? null : locks.for(`tab${i}`),
      heartbeatMs: 20,
      silenceMs: 100,
    });
    const seen: number[] = [];
    const client = createClient({
      url: 'ws://test/ws',
      credentials: () => 'token',
      device: { deviceType: 'desktop', deviceId: 'd1' },
      WebSocket: server.WebSocket,
      outbox: { store, pace: false },
      reconnect: { wakeJitterMs: 0 },
      shareConnection: sharing,
    });
    client.on('new_message', (frame) => {
      seen.push(frame.data.seq);
    });
    clients.push(client);
    return { client, sharing, seen, name: `tab${i}` };
  });
  return { server, network, locks, tabs: made };
}

const liveSockets = (server: FakeServer) => server.sockets.filter((socket) => socket.readyState === 1 && !socket.closedByClient);

describe('SharedConnection', () => {
  it('three tabs: one socket; every message reaches each tab once; a crash of the leader hands over and resumes from the last seq', async () => {
    const { server, locks, tabs: all } = tabs(3);
    for (const tab of all) {
      await tab.client.connect();
      await tab.client.subscribeConversation(CONVERSATION, { since: 0 });
    }
    expect(server.sockets).toHaveLength(1);
    for (let i = 0; i < 3; i++) server.last.receive(server.publish(CONVERSATION) as ServerFrame);
    await vi.waitFor(() =>
      expect(all.map((tab) => tab.seen)).toEqual([
        [1, 2, 3],
        [1, 2, 3],
        [1, 2, 3],
      ]),
    );

    // The leader's tab dies: its socket goes with it, the browser releases its lock.
    const leader = all.find((tab) => tab.sharing.role === 'leader');
    if (!leader) throw new Error('no leader');
    const rest = all.filter((tab) => tab !== leader);
    const old = server.last;
    leader.client.dispose();
    locks.crash(leader.name);
    old.drop(1006);
    // Two messages while nobody listens: the new leader's resubscribe brings them.
    server.publish(CONVERSATION);
    server.publish(CONVERSATION);
    await vi.waitFor(() => expect(server.sockets).toHaveLength(2));
    await vi.waitFor(() => expect(liveSockets(server)).toHaveLength(1));
    await vi.waitFor(() => expect(rest.map((tab) => tab.client.getState().status)).toEqual(['connected', 'connected']));
    server.last.receive(server.publish(CONVERSATION) as ServerFrame);
    await vi.waitFor(() =>
      expect(rest.map((tab) => tab.seen)).toEqual([
        [1, 2, 3, 4, 5, 6],
        [1, 2, 3, 4, 5, 6],
      ]),
    );
  });

  it('a message sent from each tab goes to the server once, even when the leader adopts the stored outbox', async () => {
    const { server, tabs: all } = tabs(3);
    for (const tab of all) await tab.client.connect();
    const results = await Promise.all(all.map((tab, i) => tab.client.sendMessage(CONVERSATION, { text: `from ${i}` }, { id: `m${i}` })));
    expect(results.map((result) => result.duplicate)).toEqual([false, false, false]);
    expect(server.last.sentOf('send_message').map((frame) => frame.id)).toEqual(['m0', 'm1', 'm2']);
  });

  it('an unsubscribe reaches the server only when no other tab follows the conversation', async () => {
    const { server, tabs: all } = tabs(2);
    for (const tab of all) {
      await tab.client.connect();
      await tab.client.subscribeConversation(CONVERSATION);
    }
    const [first, second] = all as [(typeof all)[0], (typeof all)[0]];
    await first.client.unsubscribeConversation(CONVERSATION);
    expect(server.last.sentOf('unsubscribe')).toHaveLength(0);
    await second.client.unsubscribeConversation(CONVERSATION);
    expect(server.last.sentOf('unsubscribe')).toHaveLength(1);
  });

  it('a presence_unsubscribe names only users no other tab watches; a tab that goes away takes back what only it watched', async () => {
    const { server, tabs: all } = tabs(3);
    for (const tab of all) await tab.client.connect();
    await vi.waitFor(() => expect(all.filter((tab) => tab.sharing.role === 'leader')).toHaveLength(1));
    const leaving = all.find((tab) => tab.sharing.role === 'follower');
    const [first, second] = all.filter((tab) => tab !== leaving);
    if (!leaving || !first || !second) throw new Error('expected a leader and two followers');
    await first.client.request('presence_subscribe', { userIds: ['u1', 'u2'] });
    await second.client.request('presence_subscribe', { userIds: ['u2', 'u3'] });
    await leaving.client.request('presence_subscribe', { userIds: ['u3', 'u4'] });
    // Another tab still watches u2: answered by the hub, nothing reaches the server.
    expect(await first.client.request('presence_unsubscribe', { userIds: ['u2'] })).toEqual({ watching: 4 });
    expect(server.last.sentOf('presence_unsubscribe')).toHaveLength(0);
    await second.client.request('presence_unsubscribe', { userIds: ['u2', 'u3'] });
    expect(server.last.sentOf('presence_unsubscribe').map((frame) => frame.data.userIds)).toEqual([['u2']]);
    leaving.client.dispose();
    await vi.waitFor(() =>
      expect(server.last.sentOf('presence_unsubscribe').map((frame) => frame.data.userIds)).toEqual([['u2'], ['u3', 'u4']]),
    );
  });

  it('elects over the channel alone where Web Locks are missing', async () => {
    const { server, tabs: all } = tabs(2, { locks: false });
    await Promise.all(all.map((tab) => tab.client.connect()));
    await vi.waitFor(() => expect(all.filter((tab) => tab.sharing.role === 'leader')).toHaveLength(1));
    await vi.waitFor(() => expect(liveSockets(server)).toHaveLength(1));
    server.last.receive(server.publish(CONVERSATION) as ServerFrame);
    await vi.waitFor(() => expect(all.map((tab) => tab.seen)).toEqual([[1], [1]]));
  });

  it('a tab that leaves (a no-socket page) hands leadership to one that still wants the connection', async () => {
    const { server, tabs: all } = tabs(2);
    for (const tab of all) await tab.client.connect();
    const leader = all.find((tab) => tab.sharing.role === 'leader');
    const other = all.find((tab) => tab !== leader);
    if (!leader || !other) throw new Error('no leader');
    leader.client.disconnect();
    expect(leader.sharing.role).toBe('idle');
    await vi.waitFor(() => expect(other.sharing.role).toBe('leader'));
    await vi.waitFor(() => expect(other.client.getState().status).toBe('connected'));
    expect(liveSockets(server)).toHaveLength(1);
  });
});
