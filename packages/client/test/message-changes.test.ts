/**
 * Changes through the SDK against the real server (SQLite, real sockets): a reader that was away
 * while messages were edited, reacted to and deleted gets every change on reconnect through
 * `subscribe since`, each once and in seq order with the messages, and its ConversationStore shows
 * the conversation exactly as a fresh history read does — the deleted words gone, the reactions right.
 */
import { conversationStoreFor } from '@herald/client/state';
import type { ServerFrame } from '@herald/protocol';
import { ApiClient, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { nodeClient, waitForState } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ env: { HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' } });
});
afterAll(async () => {
  await server?.destroy();
});

it('a reader away during edits, reactions and deletions converges on reconnect, each change once and in order', async () => {
  const api = new ApiClient(server.url);
  const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
  const conversationId = await api.conversation(alice.accessToken, { kind: 'group', title: 'changes', memberIds: [bob.user.id] });
  const writer = nodeClient(server.wsUrl, alice.accessToken);
  const reader = nodeClient(server.wsUrl, bob.accessToken);
  await writer.client.connect();
  const sent = [];
  for (const text of ['one', 'two', 'secret three']) sent.push(await writer.client.sendMessage(conversationId, { text }));
  const [one, two, three] = sent as [(typeof sent)[0], (typeof sent)[0], (typeof sent)[0]];

  const seen: [string, number][] = [];
  const frameListeners = new Set<() => void>();
  const frames = (listener: () => void) => {
    frameListeners.add(listener);
    return () => frameListeners.delete(listener);
  };
  for (const action of ['new_message', 'message_updated', 'message_deleted', 'reaction_updated'] as const) {
    reader.client.on(action, (frame: ServerFrame) => {
      const data = frame.data as { conversationId: string; seq: number };
      if (data.conversationId === conversationId) seen.push([action, data.seq]);
      for (const listener of [...frameListeners]) listener();
    });
  }
  const store = conversationStoreFor(reader.client, conversationId);
  const stopWatching = store.subscribe(() => undefined);
  await reader.client.connect();
  await until(store.subscribe, () => store.getSnapshot().messages.length === 3);

  reader.client.disconnect();
  await waitForState(reader.client, (s) => s.status === 'disconnected');
  await writer.client.editMessage(conversationId, one.messageId, 'one, edited');
  await writer.client.react(conversationId, two.messageId, '🎉');
  await writer.client.editMessage(conversationId, three.messageId, 'secret four');
  await writer.client.deleteMessage(conversationId, three.messageId);
  await writer.client.sendMessage(conversationId, { text: 'after' });

  await reader.client.connect();
  await until(frames, () => seen.length === 5);
  expect(seen).toEqual([
    ['message_updated', 4],
    ['reaction_updated', 5],
    ['message_updated', 6],
    ['message_deleted', 7],
    ['new_message', 8],
  ]);
  await until(store.subscribe, () => store.getSnapshot().messages.length === 4);
  const shown = store
    .getSnapshot()
    .messages.map((m) => ({ text: m.text, deleted: m.deletedAt !== null, reactions: m.reactions.map((r) => [r.emoji, r.count]) }));
  expect(shown).toEqual([
    { text: 'one, edited', deleted: false, reactions: [] },
    { text: 'two', deleted: false, reactions: [['🎉', 1]] },
    { text: '', deleted: true, reactions: [] },
    { text: 'after', deleted: false, reactions: [] },
  ]);
  // A fresh read agrees with what the store built from events.
  const fresh = await reader.client.request('history', { conversationId });
  expect(fresh.messages.map((m) => [m.text, m.deletedAt !== null])).toEqual(shown.map((m) => [m.text, m.deleted]));
  expect(JSON.stringify(store.getSnapshot())).not.toContain('secret');

  // The reader's own optimistic reaction settles on the server's copy.
  await store.toggleReaction(two.messageId, '👍');
  await until(store.subscribe, () => store.getSnapshot().messages[1]?.reactions.find((r) => r.emoji === '👍')?.count === 1);
  expect(store.getSnapshot().messages[1]?.reactions.find((r) => r.emoji === '👍')?.mine).toBe(true);
  expect(reader.errors).toEqual([]);
  stopWatching();
  writer.client.dispose();
  reader.client.dispose();
});

/** Resolves once `check` holds, checked whenever `changes` says something happened; fails after 5 s. */
function until(changes: (listener: () => void) => () => void, check: () => boolean, timeoutMs = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      stop();
      reject(new Error('timed out waiting for a condition'));
    }, timeoutMs);
    const stop = changes(() => {
      if (!check()) return;
      clearTimeout(timer);
      stop();
      resolve();
    });
  });
}
