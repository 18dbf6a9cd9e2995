import { ErrorCode, HeraldError } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClient, FakeTimers, flush, message } from '../../test/store-fakes.js';
import { ConversationStore } from './conversation-store.js';

function setup(status: 'connected' | 'disconnected' = 'connected') {
  const timers = new FakeTimers();
  const client = new FakeClient();
  if (status === 'connected') {
    client.setStatus('connecting');
    client.setStatus('connected');
  }
  let n = 0;
  const store = new ConversationStore(client.port, 'c1', { timers, userId: () => 'u-me', newId: () => `local-${++n}`, pageSize: 3 });
  const stop = store.subscribe(() => undefined);
  const view = () => store.getSnapshot().messages.map((m) => [m.seq, m.state, m.localId] as const);
  return { timers, client, store, stop, view };
}

/** Answer the pending latest-page request. */
async function firstPage(client: FakeClient, seqs: number[], hasMore = false) {
  client.take('history').resolve({ messages: seqs.map((seq) => message(seq)), hasMore });
  await flush();
}

describe('ConversationStore', () => {
  it('loads the latest page once connected, then follows the conversation from its newest seq', async () => {
    const { client, store, view } = setup('disconnected');
    expect(client.requests).toEqual([]);
    client.setStatus('connecting');
    client.setStatus('connected');
    expect(client.requests[0]).toMatchObject({ action: 'history', data: { conversationId: 'c1', limit: 3 } });
    expect(store.getSnapshot().loading).toBe(true);
    await firstPage(client, [4, 5, 6], true);
    expect(view().map(([seq]) => seq)).toEqual([4, 5, 6]);
    expect(store.getSnapshot()).toMatchObject({ loading: false, hasMore: true, error: null });
    expect(client.subscriptions).toEqual([{ conversationId: 'c1', since: 6 }]);
  });

  it('merges live, repeated and out-of-order messages by seq, once each', async () => {
    const { client, view } = setup();
    client.emitMessage(message(7)); // live, before the page arrives
    await firstPage(client, [5, 6, 7]);
    client.emitMessage(message(9));
    client.emitMessage(message(8));
    client.emitMessage(message(8));
    client.emitMessage(message(10, { conversationId: 'other' }));
    expect(view().map(([seq]) => seq)).toEqual([5, 6, 7, 8, 9]);
  });

  it('pages older history with before = the oldest seq', async () => {
    const { client, store, view } = setup();
    await firstPage(client, [4, 5, 6], true);
    const older = store.loadOlder();
    void store.loadOlder();
    const page = client.take('history');
    expect(page.data).toMatchObject({ before: 4, limit: 3 });
    expect(client.requests).toEqual([]); // one page at a time
    page.resolve({ messages: [1, 2, 3].map((seq) => message(seq)), hasMore: false });
    await older;
    expect(view().map(([seq]) => seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(store.getSnapshot().hasMore).toBe(false);
    await store.loadOlder();
    expect(client.requests).toEqual([]); // nothing older to ask for
  });

  it('an own message: sending at once, then sent from its echo, then its ack changes nothing', async () => {
    const { client, store, view } = setup();
    await firstPage(client, [1]);
    const sent = store.send({ text: 'hi' });
    expect(store.getSnapshot().messages.at(-1)).toMatchObject({ text: 'hi', seq: 0, state: 'sending', pending: false, senderId: 'u-me' });
    const send = client.sends[0];
    expect(send).toMatchObject({ conversationId: 'c1', content: { text: 'hi' }, id: 'local-1' });
    client.emitMessage(message(2, { clientId: 'local-1', senderId: 'u-me', text: 'hi' }));
    expect(view()).toEqual([
      [1, 'sent', 'm1'],
      [2, 'sent', 'local-1'],
    ]);
    send?.resolve({ messageId: 'm2', conversationId: 'c1', seq: 2, createdAt: 2, duplicate: false });
    await sent;
    expect(view()).toHaveLength(2);
  });

  it('an own message confirmed by its ack first keeps its key and is not repeated by the echo', async () => {
    const { client, store, view } = setup();
    await firstPage(client, []);
    const sent = store.send({ text: 'hi' });
    client.sends[0]?.resolve({ messageId: 'm1', conversationId: 'c1', seq: 1, createdAt: 5, duplicate: false });
    await sent;
    expect(store.getSnapshot().messages).toMatchObject([{ id: 'm1', seq: 1, state: 'sent', localId: 'local-1', text: 'hi', createdAt: 5 }]);
    client.emitMessage(message(1, { clientId: 'local-1', senderId: 'u-me', text: 'hi' }));
    expect(view()).toEqual([[1, 'sent', 'local-1']]);
  });

  it('pending follows the connection while a message waits; local messages stay after confirmed ones', async () => {
    const { client, store, view } = setup();
    await firstPage(client, [1]);
    client.setStatus('reconnecting');
    void store.send({ text: 'offline' });
    expect(store.getSnapshot().messages.at(-1)).toMatchObject({ state: 'sending', pending: true });
    client.emitMessage(message(2)); // someone else's, arriving after reconnect
    client.setStatus('connected');
    expect(view()).toEqual([
      [1, 'sent', 'm1'],
      [2, 'sent', 'm2'],
      [0, 'sending', 'local-1'],
    ]);
    expect(store.getSnapshot().messages.at(-1)?.pending).toBe(false);
  });

  it('a refused send is failed with the error; retry resends with the same id', async () => {
    const { client, store, view } = setup();
    await firstPage(client, []);
    const first = store.send({ text: 'x' });
    client.sends[0]?.reject(new HeraldError(ErrorCode.Forbidden, 'not a member'));
    await first;
    expect(view()).toEqual([[0, 'failed', 'local-1']]);
    expect(store.getSnapshot().error?.code).toBe('forbidden');
    const again = store.retry('local-1');
    expect(view()).toEqual([[0, 'sending', 'local-1']]);
    expect(client.sends[1]).toMatchObject({ id: 'local-1', content: { text: 'x' } });
    client.sends[1]?.resolve({ messageId: 'm1', conversationId: 'c1', seq: 1, createdAt: 1, duplicate: false });
    await again;
    expect(view()).toEqual([[1, 'sent', 'local-1']]);
    expect(store.getSnapshot().error).toBeNull();
    await store.retry('local-1'); // not failed: nothing to do
    expect(client.sends).toHaveLength(2);
  });

  it('a page lost to a disconnect loads again on the next connect, without an error', async () => {
    const { client, store, view } = setup();
    client.take('history').reject(new HeraldError(ErrorCode.Disconnected, 'connection lost'));
    await flush();
    expect(store.getSnapshot()).toMatchObject({ loading: false, error: null });
    client.setStatus('reconnecting');
    client.setStatus('connected');
    await firstPage(client, [1, 2]);
    expect(view().map(([seq]) => seq)).toEqual([1, 2]);
  });

  it('stopping drops confirmed messages and handlers, keeps local ones, and a restart reloads', async () => {
    const { timers, client, store, stop, view } = setup();
    await firstPage(client, [1, 2]);
    void store.send({ text: 'in flight' });
    stop();
    timers.advance(0);
    expect(client.handlerCount).toBe(0);
    expect(view()).toEqual([[0, 'sending', 'local-1']]);
    client.emitMessage(message(3)); // not listening
    store.subscribe(() => undefined);
    await firstPage(client, [2, 3, 4]);
    expect(view()).toEqual([
      [2, 'sent', 'm2'],
      [3, 'sent', 'm3'],
      [4, 'sent', 'm4'],
      [0, 'sending', 'local-1'],
    ]);
  });
});
