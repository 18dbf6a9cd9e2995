/**
 * ConversationStore with changes: server events apply once and only when newer than the copy
 * (a replay never brings back old text or a deleted message), optimistic edits, deletions and
 * reactions show at once and roll back on refusal, replies quote what they answer, and a jump loads
 * the page around a message and rejoins the live end without losing what arrived meanwhile.
 */
import type { ConversationChange, ServerFrame } from '@herald/protocol';
import { ErrorCode, HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClient, FakeTimers, flush, message } from '../../test/store-fakes.js';
import { ConversationStore } from './conversation-store.js';

function setup() {
  const timers = new FakeTimers();
  const client = new FakeClient();
  client.setStatus('connecting');
  client.setStatus('connected');
  let n = 0;
  const store = new ConversationStore(client.port, 'c1', { timers, userId: () => 'u-me', newId: () => `local-${++n}`, pageSize: 4 });
  store.subscribe(() => undefined);
  const byId = (id: string) => store.getSnapshot().messages.find((m) => m.id === id);
  const emit = (change: ConversationChange) =>
    client.emit({ id: `e${change.data.seq}`, type: 'event', timestamp: 1, ...change } as ServerFrame);
  return { client, store, byId, emit };
}

async function firstPage(client: FakeClient, seqs: number[]) {
  client.take('history').resolve({ messages: seqs.map((seq) => message(seq)), hasMore: false });
  await flush();
}

const base = (seq: number, messageId: string) => ({ conversationId: 'c1', seq, messageId, userId: 'u-other', at: 1000 + seq });
const edited = (seq: number, messageId: string, text: string): ConversationChange => ({
  action: 'message_updated',
  data: { ...base(seq, messageId), text, mentions: [], groupMention: null },
});
const deleted = (seq: number, messageId: string): ConversationChange => ({ action: 'message_deleted', data: base(seq, messageId) });
const reacted = (seq: number, messageId: string, userId: string, added: boolean, userIds: string[]): ConversationChange => ({
  action: 'reaction_updated',
  data: { ...base(seq, messageId), userId, emoji: '👍', added, reaction: { emoji: '👍', count: userIds.length, userIds, mine: false } },
});

describe('ConversationStore changes', () => {
  it('applies each change once, only when newer than the copy: a replayed edit never resurrects old text or a deleted message', async () => {
    const { client, byId, emit } = setup();
    await firstPage(client, [1, 2]);
    emit(edited(3, 'm1', 'v1'));
    emit(edited(4, 'm1', 'v2'));
    emit(edited(3, 'm1', 'v1')); // replayed after a resume
    expect(byId('m1')).toMatchObject({ text: 'v2', revision: 4, editedAt: 1004 });
    emit(deleted(5, 'm1'));
    emit(edited(4, 'm1', 'v2'));
    emit(edited(6, 'm1', 'after delete')); // cannot happen on the server; must not undelete either
    expect(byId('m1')).toMatchObject({ text: '', deletedAt: 1005, reactions: [] });
    // A history copy older than what we hold is not taken either: merge keeps one message per seq.
    client.emitMessage(message(1, { text: 'stale copy' }));
    expect(byId('m1')?.text).toBe('');
  });

  it('reactions: counts from the event, `mine` from who did it', async () => {
    const { client, byId, emit } = setup();
    await firstPage(client, [1]);
    emit(reacted(2, 'm1', 'u-other', true, ['u-other']));
    emit(reacted(3, 'm1', 'u-me', true, ['u-other', 'u-me']));
    expect(byId('m1')?.reactions).toEqual([{ emoji: '👍', count: 2, userIds: ['u-other', 'u-me'], mine: true }]);
    emit(reacted(4, 'm1', 'u-other', false, ['u-me']));
    expect(byId('m1')?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: ['u-me'], mine: true }]);
    emit(reacted(5, 'm1', 'u-me', false, []));
    expect(byId('m1')?.reactions).toEqual([]);
  });

  it('an optimistic edit shows at once and stays until its event arrives, with no flicker back', async () => {
    const { client, store, byId, emit } = setup();
    await firstPage(client, [1]);
    const done = store.edit('m1', 'fixed');
    expect(byId('m1')).toMatchObject({ text: 'fixed' });
    const request = client.take('edit_message');
    expect(request.data).toEqual({ conversationId: 'c1', messageId: 'm1', text: 'fixed' });
    // The ack comes before the event: still shown edited, not the old text.
    request.resolve({ conversationId: 'c1', messageId: 'm1', seq: 2, duplicate: false, editedAt: 5 });
    await done;
    expect(byId('m1')?.text).toBe('fixed');
    emit(edited(2, 'm1', 'fixed'));
    expect(byId('m1')).toMatchObject({ text: 'fixed', revision: 2 });
    // The overlay is gone: a later edit by the server (another device) shows.
    emit(edited(3, 'm1', 'fixed again elsewhere'));
    expect(byId('m1')?.text).toBe('fixed again elsewhere');
  });

  it('a refused change rolls back and rejects with the server error', async () => {
    const { client, store, byId } = setup();
    await firstPage(client, [1]);
    const refused = store.remove('m1');
    expect(byId('m1')?.deletedAt).not.toBeNull();
    client.take('delete_message').reject(new HeraldError(ErrorCode.Forbidden, 'not yours'));
    await expect(refused).rejects.toMatchObject({ code: 'forbidden' });
    expect(byId('m1')).toMatchObject({ deletedAt: null, text: 'text 1' });
    expect(store.getSnapshot().error?.code).toBe('forbidden');
  });

  it('toggleReaction adds, then takes back; the overlay goes once the server copy has the change', async () => {
    const { client, store, byId, emit } = setup();
    await firstPage(client, [1]);
    const add = store.toggleReaction('m1', '👍');
    expect(byId('m1')?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: ['u-me'], mine: true }]);
    const request = client.take('react');
    expect(request.data).toMatchObject({ emoji: '👍', remove: false });
    request.resolve({ conversationId: 'c1', messageId: 'm1', seq: 2, duplicate: false });
    await add;
    emit(reacted(2, 'm1', 'u-me', true, ['u-me']));
    expect(byId('m1')?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: ['u-me'], mine: true }]);
    const take = store.toggleReaction('m1', '👍');
    expect(client.take('react').data).toMatchObject({ remove: true });
    expect(byId('m1')?.reactions).toEqual([]);
    void take;
  });

  it('a reply shows its quote at once, and the quote follows an edit or deletion of the original', async () => {
    const { client, store, emit } = setup();
    await firstPage(client, [1]);
    void store.send({ text: 're', replyTo: 'm1' });
    const local = store.getSnapshot().messages.at(-1);
    expect(local?.replyPreview).toMatchObject({ messageId: 'm1', text: 'text 1', deleted: false });
    client.emitMessage(message(2, { replyTo: 'm1', replyPreview: local?.replyPreview ?? null }));
    emit(deleted(3, 'm1'));
    expect(store.getSnapshot().messages.find((m) => m.seq === 2)?.replyPreview).toMatchObject({ deleted: true, text: '' });
  });

  it('jumpTo loads the page around an unloaded message, holds live messages, and rejoins the live end', async () => {
    const { client, store } = setup();
    await firstPage(client, [97, 98, 99, 100]);
    const jump = store.jumpTo(10);
    const around = client.take('history');
    expect(around.data).toMatchObject({ around: 10, limit: 4 });
    around.resolve({ messages: [8, 9, 10, 11].map((s) => message(s)), hasMore: true, hasNewer: true });
    await jump;
    expect(store.getSnapshot()).toMatchObject({ hasNewer: true });
    expect(store.getSnapshot().messages.map((m) => m.seq)).toEqual([8, 9, 10, 11]);
    client.emitMessage(message(101)); // live while detached: held, not shown in the gap
    expect(store.getSnapshot().messages.map((m) => m.seq)).toEqual([8, 9, 10, 11]);
    // Already loaded: no request.
    await store.jumpTo(9);
    expect(client.requests).toEqual([]);
    const newer = store.loadNewer();
    const page = client.take('history');
    expect(page.data).toMatchObject({ after: 11 });
    page.resolve({ messages: [12, 13].map((s) => message(s)), hasMore: false, changes: [edited(14, 'm8', 'edited while away')] });
    await newer;
    expect(store.getSnapshot().hasNewer).toBe(false);
    expect(store.getSnapshot().messages.map((m) => m.seq)).toEqual([8, 9, 10, 11, 12, 13, 101]);
    expect(store.getSnapshot().messages[0]?.text).toBe('edited while away');
  });

  it('sending from an older stretch goes back to the live end first: no message lands inside the stretch', async () => {
    const { client, store } = setup();
    await firstPage(client, [97, 98, 99, 100]);
    const jump = store.jumpTo(10);
    client.take('history').resolve({ messages: [9, 10, 11, 12].map((s) => message(s)), hasMore: true, hasNewer: true });
    await jump;
    const sent = store.send({ text: 'from the past' });
    const latest = client.take('history');
    expect(latest.data).not.toHaveProperty('around');
    expect(latest.data).not.toHaveProperty('after');
    latest.resolve({ messages: [98, 99, 100, 101].map((s) => message(s)), hasMore: true });
    await flush();
    expect(store.getSnapshot()).toMatchObject({ hasNewer: false });
    expect(store.getSnapshot().messages.map((m) => m.seq)).toEqual([98, 99, 100, 101, 0]); // the local send at the end
    const send = client.sends[0];
    send?.resolve({ messageId: 'm102', conversationId: 'c1', seq: 102, createdAt: 5, duplicate: false });
    await sent;
    expect(store.getSnapshot().messages.map((m) => m.seq)).toEqual([98, 99, 100, 101, 102]);
  });
});
