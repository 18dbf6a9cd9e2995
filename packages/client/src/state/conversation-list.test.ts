/** The conversation list events applied to a list: added, refreshed, renamed, members changed, removed. */
import type { Conversation, Member, Message } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { applyConversationListEvent, type ConversationListEvent } from './conversation-list.js';

const member = (userId: string, role: Member['role'] = 'member'): Member => ({ userId, name: userId, avatar: null, role, lastReadSeq: 0 });

function conversation(id: string, patch: Partial<Conversation> = {}): Conversation {
  return {
    id,
    kind: 'group',
    title: id,
    ownerId: 'bob',
    lastSeq: 0,
    createdAt: 1,
    members: [member('bob', 'owner'), member('me')],
    lastMessage: null,
    unreadCount: 0,
    ...patch,
  };
}

const added = (c: Conversation): ConversationListEvent => ({
  id: 's1',
  type: 'system',
  action: 'conversation_added',
  data: { conversation: c, by: 'bob' },
  timestamp: 1,
});
const updated = (conversationId: string, title: string, members: Member[]): ConversationListEvent => ({
  id: 's2',
  type: 'system',
  action: 'conversation_updated',
  data: { conversationId, title, ownerId: 'bob', members, by: 'bob' },
  timestamp: 1,
});
const removed = (conversationId: string, userId: string): ConversationListEvent => ({
  id: 's3',
  type: 'system',
  action: 'member_removed',
  data: { conversationId, userId, by: 'bob' },
  timestamp: 1,
});

describe('applyConversationListEvent', () => {
  it('conversation_added puts a new conversation in the list', () => {
    const list = [conversation('a')];
    const { conversations, known } = applyConversationListEvent(list, added(conversation('b', { title: 'Launch' })), 'me');
    expect(known).toBe(true);
    expect(conversations.map((c) => [c.id, c.title])).toEqual([
      ['b', 'Launch'],
      ['a', 'a'],
    ]);
  });

  it('conversation_added for a known conversation refreshes it but keeps messages the list already counted', () => {
    const message: Message = {
      id: 'm3',
      clientId: 'c3',
      conversationId: 'a',
      seq: 3,
      senderId: 'bob',
      type: 'text',
      text: 'hi',
      replyTo: null,
      attachment: null,
      editedAt: null,
      deletedAt: null,
      mentions: [],
      groupMention: null,
      reactions: [],
      replyPreview: null,
      createdAt: 5,
    };
    const list = [conversation('a', { lastSeq: 3, unreadCount: 2, lastMessage: message })];
    const older = applyConversationListEvent(list, added(conversation('a', { title: 'New', lastSeq: 1, unreadCount: 1 })), 'me');
    expect(older.conversations[0]).toMatchObject({ title: 'New', lastSeq: 3, unreadCount: 2, lastMessage: message });
    const newer = applyConversationListEvent(list, added(conversation('a', { lastSeq: 5, unreadCount: 4 })), 'me');
    expect(newer.conversations[0]).toMatchObject({ lastSeq: 5, unreadCount: 4, lastMessage: null });
  });

  it('conversation_updated replaces title, owner and members, and keeps my unread count', () => {
    const list = [conversation('a', { unreadCount: 7, lastSeq: 9 }), conversation('b')];
    const members = [member('bob', 'owner'), member('me'), member('cat')];
    const { conversations, known } = applyConversationListEvent(list, updated('a', 'Renamed', members), 'me');
    expect(known).toBe(true);
    expect(conversations[0]).toMatchObject({ id: 'a', title: 'Renamed', members, unreadCount: 7, lastSeq: 9 });
    expect(conversations[1]).toBe(list[1]);
  });

  it('conversation_updated for a conversation the list does not hold asks for a reload', () => {
    const list = [conversation('a')];
    const change = applyConversationListEvent(list, updated('zz', 'x', []), 'me');
    expect(change).toEqual({ conversations: list, known: false });
    expect(change.conversations).toBe(list);
  });

  it('member_removed about me drops the conversation; about someone else drops them from its members', () => {
    const list = [conversation('a', { members: [member('bob', 'owner'), member('me'), member('cat')] }), conversation('b')];
    const other = applyConversationListEvent(list, removed('a', 'cat'), 'me');
    expect(other.conversations.map((c) => c.id)).toEqual(['a', 'b']);
    expect(other.conversations[0]?.members.map((m) => m.userId)).toEqual(['bob', 'me']);
    const mine = applyConversationListEvent(other.conversations, removed('a', 'me'), 'me');
    expect(mine).toEqual({ conversations: [list[1]], known: true });
  });

  it('member_removed that changes nothing returns the same list', () => {
    const list = [conversation('a')];
    expect(applyConversationListEvent(list, removed('a', 'nobody'), 'me').conversations).toBe(list);
    expect(applyConversationListEvent(list, removed('gone', 'me'), 'me')).toEqual({ conversations: list, known: true });
    expect(applyConversationListEvent(list, removed('gone', 'cat'), 'me').known).toBe(false);
  });
});
