/**
 * ConversationListStore and `user_changed`: a member's new name and avatar replace theirs in every
 * conversation they are in, and nowhere else; a change about a stranger leaves the list as it was
 * (the same snapshot, so nothing re-renders).
 */
import type { HeraldClient } from '@herald/client';
import type { Conversation, RestClient, ServerFrame } from '@herald/protocol';
import { expect, it } from 'vitest';
import { ConversationListStore } from './conversation-list-store';

const member = (userId: string, name: string) => ({ userId, name, avatar: null, role: 'member' as const, lastReadSeq: 0 });
const conversation = (id: string, members: Conversation['members']): Conversation => ({
  id,
  kind: 'group',
  title: id,
  ownerId: null,
  lastSeq: 0,
  createdAt: 1,
  members,
  lastMessage: null,
  unreadCount: 0,
});

it('replaces a member’s name and avatar wherever they are a member', async () => {
  const handlers = new Map<string, (frame: ServerFrame) => void>();
  const client = {
    markReceived: () => undefined,
    on: (action: string, handler: (frame: ServerFrame) => void) => {
      handlers.set(action, handler);
      return () => handlers.delete(action);
    },
    subscribe: () => () => undefined,
  } as unknown as HeraldClient;
  const list = [
    conversation('with-ann', [member('me', 'Me'), member('ann', 'Ann')]),
    conversation('without-ann', [member('me', 'Me'), member('bob', 'Bob')]),
  ];
  const api = { conversations: { list: async () => ({ conversations: list, nextCursor: null }) } } as unknown as RestClient;
  const store = new ConversationListStore(client, api, 'me');
  const stop = store.start();
  await store.reload();
  const emit = (user: { id: string; name: string; avatar: string | null }) =>
    handlers.get('user_changed')?.({ id: 's-1', type: 'system', action: 'user_changed', data: { user }, timestamp: 1 } as ServerFrame);

  emit({ id: 'ann', name: 'Ann Lee', avatar: 'f-1' });
  const [withAnn, withoutAnn] = ['with-ann', 'without-ann'].map((id) => store.get(id));
  expect(withAnn?.members.find((m) => m.userId === 'ann')).toMatchObject({ name: 'Ann Lee', avatar: 'f-1', role: 'member' });
  expect(withoutAnn).toBe(list[1]);

  const before = store.getSnapshot();
  emit({ id: 'stranger', name: 'S', avatar: null });
  expect(store.getSnapshot()).toBe(before);
  stop();
});
