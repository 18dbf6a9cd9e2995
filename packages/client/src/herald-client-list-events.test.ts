/**
 * HeraldClient and the conversation list events (`conversation_added`, `conversation_updated`,
 * `member_removed`) against the in-memory fake server: they reach their typed handlers, and a
 * dispatch queue overflow never drops them (a dropped one would leave an app's list wrong); being
 * removed from a followed conversation ends its subscription quietly (no refused resubscribe later).
 */
import type { Conversation, ServerFrame, ServerFrameOf } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { setup } from '../test/client-setup.js';

const conversation: Conversation = {
  id: 'c9',
  kind: 'group',
  title: 'Launch',
  ownerId: 'u2',
  lastSeq: 0,
  createdAt: 1,
  members: [
    { userId: 'u2', name: 'Bob', avatar: null, role: 'owner', lastReadSeq: 0 },
    { userId: 'u1', name: 'U', avatar: null, role: 'member', lastReadSeq: 0 },
  ],
  lastMessage: null,
  unreadCount: 0,
};

const added: ServerFrameOf<'conversation_added'> = {
  id: 's-a',
  type: 'system',
  action: 'conversation_added',
  data: { conversation, by: 'u2' },
  timestamp: 1,
};
const updated: ServerFrameOf<'conversation_updated'> = {
  id: 's-u',
  type: 'system',
  action: 'conversation_updated',
  data: { conversationId: 'c9', title: 'Renamed', ownerId: 'u2', members: conversation.members, by: 'u2' },
  timestamp: 1,
};
const removed: ServerFrameOf<'member_removed'> = {
  id: 's-r',
  type: 'system',
  action: 'member_removed',
  data: { conversationId: 'c9', userId: 'u1', by: 'u2' },
  timestamp: 1,
};

describe('HeraldClient conversation list events', () => {
  it('hands each event to the handlers of its action, typed', async () => {
    const t = setup();
    const seen: string[] = [];
    t.client.on('conversation_added', (f) => void seen.push(`added:${f.data.conversation.title}:${f.data.by}`));
    t.client.on('conversation_updated', (f) => void seen.push(`updated:${f.data.title}:${f.data.members.length}`));
    t.client.on('member_removed', (f) => void seen.push(`removed:${f.data.conversationId}:${f.data.userId}`));
    await t.client.connect();
    for (const frame of [added, updated, removed]) t.server.last.receive(frame);
    await t.clock.advanceAsync(0);
    expect(seen).toEqual(['added:Launch:u2', 'updated:Renamed:2', 'removed:c9:u1']);
    expect(t.errors).toEqual([]);
  });

  it('never drops them on a dispatch overflow; other frames drop oldest', async () => {
    const t = setup({ dispatch: { capacity: 3 } });
    const seen: string[] = [];
    t.client.on('conversation_added', () => void seen.push('added'));
    t.client.on('conversation_updated', () => void seen.push('updated'));
    t.client.on('member_removed', () => void seen.push('removed'));
    t.client.on('new_message', (f) => void seen.push(`m${f.data.seq}`));
    await t.client.connect();
    const socket = t.server.last;
    socket.receive(added);
    for (let i = 0; i < 5; i++) socket.receive(t.server.publish('other') as ServerFrame); // not followed: droppable
    socket.receive(updated);
    socket.receive(removed);
    await t.clock.advanceAsync(0);
    expect(seen).toEqual(['added', 'm3', 'm4', 'm5', 'updated', 'removed']);
    expect(t.errors.map(([e]) => e.code)).toEqual(['queue_full']);
  });

  it('member_removed about this user stops following the conversation; about someone else it does not', async () => {
    const t = setup();
    await t.client.connect();
    await t.client.subscribeConversation('c9', { since: 0 });
    await t.client.subscribeConversation('c10', { since: 0 });
    t.server.last.receive(removed); // u1 (the connected user) removed from c9
    t.server.last.receive({ ...removed, id: 's-r2', data: { conversationId: 'c10', userId: 'u2', by: 'u2' } });
    await t.clock.advanceAsync(0);
    expect(t.client.lastSeq('c9')).toBeNull();
    t.server.last.drop(1006);
    await t.clock.advanceAsync(1000);
    expect(t.server.last.sentOf('subscribe').map((f) => f.data.conversationId)).toEqual(['c10']);
    expect(t.errors).toEqual([]);
  });
});
