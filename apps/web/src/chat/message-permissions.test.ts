import { describe, expect, it } from 'vitest';
import { canDelete, canEdit, canReact, lastEditable, mentionsMe } from './message-permissions';
import type { ConversationMessage } from './types';

function message(change: Partial<ConversationMessage> = {}): ConversationMessage {
  return {
    id: 'm1',
    clientId: 'c',
    conversationId: 'conv',
    seq: 1,
    senderId: 'me',
    type: 'text',
    text: 'hi',
    replyTo: null,
    attachment: null,
    createdAt: 0,
    editedAt: null,
    deletedAt: null,
    mentions: [],
    groupMention: null,
    reactions: [],
    replyPreview: null,
    localId: 'l1',
    state: 'sent',
    pending: false,
    ...change,
  };
}
const me = { userId: 'me', role: 'user' };
const admin = { userId: 'boss', role: 'admin' };
const group = { kind: 'group' as const, ownerId: 'owner' };
const direct = { kind: 'direct' as const, ownerId: null };

describe('message permissions', () => {
  it('edit: only my own sent text messages', () => {
    expect(canEdit(message(), me)).toBe(true);
    expect(canEdit(message({ senderId: 'other' }), me)).toBe(false);
    expect(canEdit(message({ type: 'image' }), me)).toBe(false);
    expect(canEdit(message({ state: 'sending' }), me)).toBe(false);
    expect(canEdit(message({ pending: true }), me)).toBe(false);
    expect(canEdit(message({ deletedAt: 5 }), me)).toBe(false);
    expect(canEdit(message({ senderId: 'other' }), admin)).toBe(false);
  });

  it('delete: my own, any in a group I own, any as admin', () => {
    expect(canDelete(message(), me, direct)).toBe(true);
    expect(canDelete(message({ senderId: 'other' }), me, direct)).toBe(false);
    expect(canDelete(message({ senderId: 'other' }), me, group)).toBe(false);
    expect(canDelete(message({ senderId: 'other' }), { userId: 'owner', role: 'user' }, group)).toBe(true);
    expect(canDelete(message({ senderId: 'other' }), { userId: 'owner', role: 'user' }, { kind: 'direct', ownerId: 'owner' })).toBe(false);
    expect(canDelete(message({ senderId: 'other' }), admin, direct)).toBe(true);
    expect(canDelete(message({ deletedAt: 1 }), admin, direct)).toBe(false);
  });

  it('react: any sent message that is not deleted', () => {
    expect(canReact(message({ senderId: 'other', type: 'image' }))).toBe(true);
    expect(canReact(message({ deletedAt: 1 }))).toBe(false);
    expect(canReact(message({ state: 'failed' }))).toBe(false);
  });

  it('mentionsMe: my id, or a group mention in a group; never my own or a deleted message', () => {
    expect(mentionsMe(message({ senderId: 'bob', mentions: ['me'] }), 'me', 'direct')).toBe(true);
    expect(mentionsMe(message({ senderId: 'bob', groupMention: 'here' }), 'me', 'group')).toBe(true);
    expect(mentionsMe(message({ senderId: 'bob', groupMention: 'all' }), 'me', 'direct')).toBe(false);
    expect(mentionsMe(message({ senderId: 'bob', mentions: ['x'] }), 'me', 'group')).toBe(false);
    expect(mentionsMe(message({ mentions: ['me'] }), 'me', 'group')).toBe(false);
    expect(mentionsMe(message({ senderId: 'bob', mentions: ['me'], deletedAt: 1 }), 'me', 'group')).toBe(false);
  });

  it('lastEditable: my newest editable message', () => {
    const list = [
      message({ localId: 'a', seq: 1 }),
      message({ localId: 'b', seq: 2 }),
      message({ localId: 'c', seq: 3, senderId: 'other' }),
      message({ localId: 'd', seq: 4, type: 'image' }),
      message({ localId: 'e', seq: 0, state: 'sending' }),
    ];
    expect(lastEditable(list, me)?.localId).toBe('b');
    expect(lastEditable([], me)).toBeUndefined();
  });
});
