/**
 * ConversationListStore kept live by the conversation list events, with a fake client (handlers by
 * action) and a fake REST list whose answers the test releases: a new group appears, a rename
 * shows, a member leaves the member list, a conversation I was removed from disappears, and a load
 * answered from before an event never brings back what the event changed. Edits and deletions:
 * the last message shows its new text or a tombstone, and deleted messages leave the unread count.
 */
import type { HeraldClient } from '@herald/client';
import type { Conversation, Message, RestClient, ServerFrame } from '@herald/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationListStore } from './conversation-list-store';

const ME = 'me';

function conversation(id: string, patch: Partial<Conversation> = {}): Conversation {
  return {
    id,
    kind: 'group',
    title: id,
    ownerId: 'bob',
    lastSeq: 0,
    createdAt: 1,
    members: [
      { userId: 'bob', name: 'Bob', avatar: null, role: 'owner', lastReadSeq: 0 },
      { userId: ME, name: 'Me', avatar: null, role: 'member', lastReadSeq: 0 },
    ],
    lastMessage: null,
    unreadCount: 0,
    ...patch,
  };
}

/** A client that only registers handlers; `emit` calls those of the frame's action. */
function fakeClient() {
  const handlers = new Map<string, Set<(frame: ServerFrame) => void>>();
  /** What the store confirmed as received on this device (delivery receipts): `conversationId:seq`. */
  const received: string[] = [];
  const client = {
    markReceived: (conversationId: string, messages: { seq: number }[]) => {
      for (const message of messages) received.push(`${conversationId}:${message.seq}`);
    },
    on: (action: string, handler: (frame: ServerFrame) => void) => {
      const set = handlers.get(action) ?? new Set();
      set.add(handler);
      handlers.set(action, set);
      return () => set.delete(handler);
    },
    subscribe: () => () => undefined,
  };
  const emit = (frame: ServerFrame) => {
    for (const handler of handlers.get(frame.action) ?? []) handler(frame);
  };
  return { client: client as unknown as HeraldClient, emit, received };
}

/** A REST client whose list calls wait until the test answers them, in order. */
function fakeApi() {
  const calls: ((conversations: Conversation[]) => void)[] = [];
  const api = {
    conversations: {
      list: () => new Promise<{ conversations: Conversation[] }>((resolve) => calls.push((conversations) => resolve({ conversations }))),
    },
  };
  return { api: api as unknown as RestClient, calls };
}

const frame = <F extends ServerFrame>(action: F['action'], data: F['data']) =>
  ({ id: `s-${Math.random()}`, type: 'system', action, data, timestamp: 1 }) as F;

describe('ConversationListStore and the list events', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  async function started(initial: Conversation[]) {
    const { client, emit } = fakeClient();
    const { api, calls } = fakeApi();
    const store = new ConversationListStore(client, api, ME);
    const stop = store.start();
    calls.shift()?.(initial);
    await vi.advanceTimersByTimeAsync(0);
    return { store, emit, calls, stop, ids: () => store.getSnapshot().conversations.map((c) => c.id) };
  }

  it('a new group appears first, a rename shows, a member who left goes from the member list', async () => {
    const { store, emit, calls, ids } = await started([conversation('old', { createdAt: 1 })]);
    emit(frame('conversation_added', { conversation: conversation('new', { title: 'Launch', createdAt: 5 }), by: 'bob' }));
    expect(ids()).toEqual(['new', 'old']);
    expect(store.get('new')?.title).toBe('Launch');

    const members = [...conversation('x').members, { userId: 'cat', name: 'Cat', avatar: null, role: 'member' as const, lastReadSeq: 0 }];
    emit(frame('conversation_updated', { conversationId: 'new', title: 'Launch team', ownerId: 'bob', members, by: 'bob' }));
    expect(store.get('new')).toMatchObject({ title: 'Launch team', members });

    emit(frame('member_removed', { conversationId: 'new', userId: 'cat', by: 'cat' }));
    expect(store.get('new')?.members.map((m) => m.userId)).toEqual(['bob', ME]);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(0); // all of it known: no reload
  });

  it('removed from a conversation: it leaves the list and the store remembers why', async () => {
    const { store, emit, ids } = await started([conversation('a'), conversation('b')]);
    emit(frame('member_removed', { conversationId: 'a', userId: ME, by: 'bob' }));
    expect(ids()).toEqual(['b']);
    expect(store.wasRemoved('a')).toBe(true);
    expect(store.wasRemoved('b')).toBe(false);
    // Added back: no longer "removed".
    emit(frame('conversation_added', { conversation: conversation('a'), by: 'bob' }));
    expect(store.wasRemoved('a')).toBe(false);
  });

  it('an update about a conversation the list does not hold loads the list again', async () => {
    const { store, emit, calls } = await started([]);
    emit(frame('conversation_updated', { conversationId: 'zz', title: 't', ownerId: null, members: [], by: 'bob' }));
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toHaveLength(1);
    calls.shift()?.([conversation('zz', { title: 't' })]);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.get('zz')?.title).toBe('t');
  });

  it('a load answered from before an event is followed by another, so what I left does not come back', async () => {
    const { store, emit, calls, ids } = await started([conversation('a')]);
    const reloading = store.reload();
    emit(frame('member_removed', { conversationId: 'a', userId: ME, by: 'bob' }));
    expect(ids()).toEqual([]);
    calls.shift()?.([conversation('a')]); // read before the removal
    await reloading;
    await vi.advanceTimersByTimeAsync(300);
    expect(calls).toHaveLength(1);
    calls.shift()?.([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(ids()).toEqual([]);
  });

  describe('edits and deletions', () => {
    function message(id: string, seq: number, patch: Partial<Message> = {}): Message {
      return {
        id,
        clientId: id,
        conversationId: 'a',
        seq,
        senderId: 'bob',
        type: 'text',
        text: `text ${id}`,
        replyTo: null,
        attachment: null,
        createdAt: seq,
        editedAt: null,
        deletedAt: null,
        mentions: [],
        groupMention: null,
        reactions: [],
        replyPreview: null,
        ...patch,
      };
    }
    const change = { conversationId: 'a', userId: 'bob', at: 99 };

    it('an edit of the last message shows its new text; an older or repeated one does not', async () => {
      const { store, emit } = await started([conversation('a', { lastSeq: 1, lastMessage: message('m1', 1) })]);
      emit(frame('message_updated', { ...change, seq: 3, messageId: 'm1', text: 'better', mentions: [ME], groupMention: null }));
      expect(store.get('a')?.lastMessage).toMatchObject({ text: 'better', editedAt: 99, mentions: [ME], revision: 3 });
      emit(frame('message_updated', { ...change, seq: 2, messageId: 'm1', text: 'stale', mentions: [], groupMention: null }));
      expect(store.get('a')?.lastMessage?.text).toBe('better');
      // An edit of another message leaves the preview alone.
      emit(frame('message_updated', { ...change, seq: 4, messageId: 'm0', text: 'other', mentions: [], groupMention: null }));
      expect(store.get('a')?.lastMessage?.text).toBe('better');
    });

    it('deleting the unread last message shows a tombstone and takes it off the badge', async () => {
      const { store, emit } = await started([conversation('a', { lastSeq: 1, lastMessage: message('m1', 1), unreadCount: 1 })]);
      emit(frame('message_deleted', { ...change, seq: 2, messageId: 'm1' }));
      expect(store.get('a')?.lastMessage).toMatchObject({ text: '', deletedAt: 99, attachment: null });
      expect(store.get('a')?.unreadCount).toBe(0);
      // Told twice: counted once.
      emit(frame('message_deleted', { ...change, seq: 2, messageId: 'm1' }));
      expect(store.get('a')?.unreadCount).toBe(0);
    });

    it('deleting an unread message that arrived live decrements the badge; a read one does not', async () => {
      const { store, emit, calls } = await started([conversation('a', { lastSeq: 0 })]);
      emit(frame('new_message', message('m1', 1)));
      emit(frame('new_message', message('m2', 2)));
      emit(frame('new_message', message('m3', 3)));
      expect(store.get('a')?.unreadCount).toBe(3);
      emit(frame('message_deleted', { ...change, seq: 4, messageId: 'm2' }));
      expect(store.get('a')?.unreadCount).toBe(2);
      expect(store.get('a')?.lastMessage?.text).toBe('text m3');
      // Read up to m1 (another tab): its deletion no longer counts.
      emit(frame('read_status', { conversationId: 'a', userId: ME, lastReadSeq: 1 }));
      emit(frame('message_deleted', { ...change, seq: 5, messageId: 'm1' }));
      expect(store.get('a')?.unreadCount).toBe(2);
      await vi.advanceTimersByTimeAsync(300);
      // read_status below lastSeq asks for the list once; nothing else did.
      expect(calls).toHaveLength(1);
    });

    it('my own deleted message never touches the count; an unplaceable deletion while unread reloads', async () => {
      const { store, emit, calls } = await started([
        conversation('a', { lastSeq: 5, lastMessage: message('m5', 5, { senderId: ME }), unreadCount: 2 }),
      ]);
      emit(frame('message_deleted', { ...change, userId: ME, seq: 6, messageId: 'm5' }));
      expect(store.get('a')?.unreadCount).toBe(2);
      expect(store.get('a')?.lastMessage?.deletedAt).toBe(99);
      await vi.advanceTimersByTimeAsync(300);
      expect(calls).toHaveLength(0);
      // A message from before the list loaded: this store cannot tell whether it was unread.
      emit(frame('message_deleted', { ...change, seq: 7, messageId: 'm3' }));
      await vi.advanceTimersByTimeAsync(300);
      expect(calls).toHaveLength(1);
      calls.shift()?.([conversation('a', { lastSeq: 7, unreadCount: 1 })]);
      await vi.advanceTimersByTimeAsync(0);
      expect(store.get('a')?.unreadCount).toBe(1);
    });
  });
});

describe('ConversationListStore and delivery receipts', () => {
  const message = (conversationId: string, seq: number) =>
    ({
      id: `m${seq}`,
      conversationId,
      senderId: 'bob',
      seq,
      type: 'text',
      text: 'hi',
      createdAt: 1,
    }) as unknown as Conversation['lastMessage'];

  it('confirms each loaded last message as received, and raises a member’s delivered position (never lowers it)', async () => {
    const { client, emit, received } = fakeClient();
    const { api, calls } = fakeApi();
    const store = new ConversationListStore(client, api, ME);
    const stop = store.start();
    calls.shift()?.([conversation('a', { lastSeq: 4, lastMessage: message('a', 4) }), conversation('b')]);
    await store.reload();
    expect(received).toEqual(['a:4']);

    const delivered = (seq: number) =>
      emit(frame('delivery_status', { conversationId: 'a', userId: 'bob', deliveredSeq: seq }) as ServerFrame);
    const bobDelivered = () => store.get('a')?.members.find((m) => m.userId === 'bob')?.deliveredSeq;
    delivered(3);
    expect(bobDelivered()).toBe(3);
    delivered(2);
    expect(bobDelivered()).toBe(3);
    expect(store.get('a')?.members.find((m) => m.userId === ME)?.deliveredSeq).toBeUndefined();
    stop();
  });
});
