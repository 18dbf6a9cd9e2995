/**
 * LocalSessions drops a conversation's frames for a member removed from it once the removal's
 * `membership_changed` arrived, even when a frame's recipient list still names them (published by a
 * node whose member cache had not heard of the removal yet), until they are added back. Real
 * sockets on loopback; the bus is the in-process one (the same order a Redis channel gives).
 */
import type { AddressInfo } from 'node:net';
import type { User } from '@herald/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { MemoryBus } from '../bus/memory-bus.js';
import { Metrics } from '../metrics.js';
import { Connection } from './connection.js';
import { LocalSessions } from './local-sessions.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** An authenticated server-side Connection for `userId`, and what its client received. */
async function connectionOf(userId: string) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', (ws) => resolve(ws)));
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  await new Promise<void>((resolve) => client.once('open', () => resolve()));
  const limits = { ratePerSecond: 100, burst: 100, sendBufferBytes: 1 << 20, strikeBurst: 10 };
  const connection = new Connection(await accepted, limits, new Metrics(), pino({ level: 'silent' }));
  const user: User = { id: userId, email: `${userId}@example.test`, name: userId, role: 'user', avatar: null, createdAt: 1 };
  connection.authenticated(user, { deviceType: 'desktop', deviceId: userId }, { sessionId: `s-${userId}`, expiresAt: Date.now() + 60_000 });
  cleanups.push(async () => {
    client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
  /** Resolves once `count` frames arrived. */
  const receivedCount = async (count: number) => {
    while (received.length < count) await new Promise((resolve) => setImmediate(resolve));
    return received.map((text) => JSON.parse(text) as { data: { text?: string } });
  };
  return { connection, received, receivedCount };
}

function setup() {
  const bus = new MemoryBus();
  const sessions = new LocalSessions(bus, new Metrics(), { fetchGap: async () => [], onError: () => undefined });
  cleanups.push(async () => sessions.close());
  let seq = 0;
  /** A message as a node with a stale member cache would publish it: addressed to both users. */
  const message = (text: string) =>
    bus.publish({
      type: 'conversation_event',
      conversationId: 'c1',
      seq: ++seq,
      memberIds: ['stays', 'leaves'],
      frame: JSON.stringify({ data: { text } }),
      publishedAt: Date.now(),
    });
  const typing = (text: string) =>
    bus.publish({
      type: 'user_event',
      target: { userIds: ['stays', 'leaves'] },
      frame: JSON.stringify({ data: { text } }),
      conversationId: 'c1',
    });
  return { bus, sessions, message, typing };
}

describe('LocalSessions and removed members', () => {
  it('drops conversation events and conversation user events for a removed member, whatever the recipient list says, until re-added', async () => {
    const { bus, sessions, message, typing } = setup();
    const stays = await connectionOf('stays');
    const leaves = await connectionOf('leaves');
    sessions.add(stays.connection);
    sessions.add(leaves.connection);

    await message('before');
    expect((await leaves.receivedCount(1)).map((f) => f.data.text)).toEqual(['before']);

    await bus.publish({ type: 'membership_changed', conversationId: 'c1', removedUserIds: ['leaves'] });
    await message('after');
    await typing('typing after');
    // Other conversations' and other users' user events still arrive.
    await bus.publish({ type: 'user_event', target: { userIds: ['leaves'] }, frame: JSON.stringify({ data: { text: 'personal' } }) });
    expect((await stays.receivedCount(3)).map((f) => f.data.text)).toEqual(['before', 'after', 'typing after']);
    expect((await leaves.receivedCount(2)).map((f) => f.data.text)).toEqual(['before', 'personal']);

    await bus.publish({ type: 'membership_changed', conversationId: 'c1', addedUserIds: ['leaves'] });
    await message('back');
    expect((await leaves.receivedCount(3)).map((f) => f.data.text)).toEqual(['before', 'personal', 'back']);
  });
});
