// @vitest-environment happy-dom
// @vitest-environment-options {"settings":{"fetch":{"disableSameOriginPolicy":true}}}
/**
 * useConversation against a real server: optimistic sends (sending → sent with the server's seq),
 * sends while the server is down (pending, then delivered once), history paging, a refused send
 * that is retried after its cause is fixed, and live messages merged without duplicates.
 */
import type { HeraldClient } from '@herald/client';
import { act, cleanup, waitFor } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type UseConversation, useConversation, usePageConnection } from '../src/index.js';
import { type Harness, nodeClient, Recorder, renderWithClient, restHistory, startHarness, waitForState } from './harness.js';

let h: Harness;
const clients: HeraldClient[] = [];

beforeAll(async () => {
  h = await startHarness();
});
afterEach(() => {
  cleanup();
  for (const client of clients.splice(0)) client.dispose();
});
afterAll(async () => {
  await h.close();
});

function Conversation({ id, recorder }: { id: string | null; recorder: Recorder<UseConversation> }) {
  usePageConnection('/chat', true);
  recorder.record(useConversation(id));
  return null;
}

function mount(token: string, conversationId: string | null) {
  const client = nodeClient(h.server.wsUrl, token);
  clients.push(client);
  const recorder = new Recorder<UseConversation>();
  const view = renderWithClient(client, <Conversation id={conversationId} recorder={recorder} />);
  return { client, recorder, view };
}

const WAIT = { timeout: 10_000 };

describe('useConversation', () => {
  it('shows a sent message at once as sending, then sent with the server seq; the other side gets it live', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    await h.api.sendText(bob.accessToken, conversationId, 'hello alice');
    const a = mount(alice.accessToken, conversationId);
    const b = mount(bob.accessToken, conversationId);
    await waitFor(() => expect(a.recorder.latest.messages.map((m) => m.text)).toEqual(['hello alice']), WAIT);
    await waitFor(() => expect(b.recorder.latest.messages).toHaveLength(1), WAIT);

    let sent!: Promise<void>;
    act(() => {
      sent = a.recorder.latest.send({ text: 'hi bob' });
    });
    const optimistic = a.recorder.latest.messages.at(-1);
    expect(optimistic).toMatchObject({ text: 'hi bob', state: 'sending', seq: 0, pending: false });
    await act(() => sent);
    await waitFor(() => expect(a.recorder.latest.messages.at(-1)).toMatchObject({ text: 'hi bob', state: 'sent', seq: 2 }), WAIT);
    const final = a.recorder.latest.messages;
    expect(final.map((m) => m.seq)).toEqual([1, 2]);
    expect(final[1]?.localId).toBe(optimistic?.localId); // same React key from sending to sent
    expect(final[1]?.clientId).toBe(optimistic?.localId);
    expect(final[1]?.senderId).toBe(alice.user.id);
    await waitFor(
      () =>
        expect(b.recorder.latest.messages.map((m) => [m.seq, m.text, m.state])).toEqual([
          [1, 'hello alice', 'sent'],
          [2, 'hi bob', 'sent'],
        ]),
      WAIT,
    );
    // The echo and the ack both arrived: still exactly one copy.
    await h.api.sendText(bob.accessToken, conversationId, 'marker');
    await waitFor(() => expect(a.recorder.latest.messages.map((m) => m.seq)).toEqual([1, 2, 3]), WAIT);
    expect(a.recorder.latest.error).toBeNull();
  });

  it('a message sent while the server is down is pending, then delivered once after reconnect', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    const a = mount(alice.accessToken, conversationId);
    await waitForState(a.client, (s) => s.status === 'connected');
    await waitFor(() => expect(a.recorder.latest.loading).toBe(false), WAIT);

    await h.stop();
    let sent: Promise<void> | undefined;
    try {
      await waitForState(a.client, (s) => s.status === 'reconnecting');
      act(() => {
        sent = a.recorder.latest.send({ text: 'written offline' });
      });
      expect(a.recorder.latest.messages).toMatchObject([{ text: 'written offline', state: 'sending', pending: true }]);
      expect(a.client.pendingMessages()).toHaveLength(1);
    } finally {
      await h.restart();
    }
    await act(() => sent);
    await waitFor(
      () => expect(a.recorder.latest.messages).toMatchObject([{ text: 'written offline', state: 'sent', pending: false, seq: 1 }]),
      WAIT,
    );
    expect(a.client.pendingMessages()).toHaveLength(0);
    expect((await restHistory(h.api, bob.accessToken, conversationId)).map((m) => m.text)).toEqual(['written offline']);
  });

  it('loadOlder pages back through history, oldest first, without gaps or repeats', async () => {
    const { alice, bob, conversationId } = await h.api.directPair();
    for (let n = 1; n <= 120; n++) await h.api.sendText(n % 2 ? alice.accessToken : bob.accessToken, conversationId, `m${n}`);
    const a = mount(alice.accessToken, conversationId);
    const seqs = () => a.recorder.latest.messages.map((m) => m.seq);
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

    await waitFor(() => expect(seqs()).toEqual(range(71, 120)), WAIT);
    expect(a.recorder.latest.hasMore).toBe(true);
    await act(() => a.recorder.latest.loadOlder());
    expect(seqs()).toEqual(range(21, 120));
    expect(a.recorder.latest.hasMore).toBe(true);
    await act(() => a.recorder.latest.loadOlder());
    expect(seqs()).toEqual(range(1, 120));
    expect(a.recorder.latest.hasMore).toBe(false);
    await act(() => a.recorder.latest.loadOlder()); // nothing more: no change
    expect(seqs()).toEqual(range(1, 120));
    expect(a.recorder.latest.messages[0]?.text).toBe('m1');
  });

  it('a refused send is failed; retry sends it again with the same id once the cause is fixed', async () => {
    const alice = await h.api.register('Alice');
    const bob = await h.api.register('Bob');
    const conversationId = await h.api.conversation(bob.accessToken, { kind: 'group', title: 'g', memberIds: [alice.user.id] });
    const a = mount(alice.accessToken, conversationId);
    await waitForState(a.client, (s) => s.status === 'connected');
    await waitFor(() => expect(a.recorder.latest.loading).toBe(false), WAIT);

    const removed = await h.api.request('DELETE', `/api/v1/conversations/${conversationId}/members/${alice.user.id}`, {
      token: bob.accessToken,
    });
    expect(removed.status).toBe(204);
    await act(() => a.recorder.latest.send({ text: 'am I still here?' }));
    const failed = a.recorder.latest.messages.at(-1);
    expect(failed).toMatchObject({ text: 'am I still here?', state: 'failed', pending: false });
    expect(a.recorder.latest.error?.code).toBe('forbidden');

    const added = await h.api.request('POST', `/api/v1/conversations/${conversationId}/members`, {
      token: bob.accessToken,
      body: { userIds: [alice.user.id] },
    });
    expect(added.status).toBe(200);
    await act(() => a.recorder.latest.retry(failed?.localId ?? ''));
    await waitFor(() => expect(a.recorder.latest.messages.at(-1)).toMatchObject({ text: 'am I still here?', state: 'sent', seq: 1 }), WAIT);
    expect(a.recorder.latest.messages).toHaveLength(1);
    expect(a.recorder.latest.error).toBeNull();
    const stored = await restHistory(h.api, bob.accessToken, conversationId);
    expect(stored).toMatchObject([{ text: 'am I still here?', clientId: failed?.localId }]);
  });

  it('null shows nothing and sends nothing', async () => {
    const alice = await h.api.register('Alice');
    const a = mount(alice.accessToken, null);
    expect(a.recorder.latest.messages).toEqual([]);
    await act(() => a.recorder.latest.send({ text: 'nowhere' }));
    expect(a.recorder.latest.messages).toEqual([]);
  });
});
