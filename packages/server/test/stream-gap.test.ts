/**
 * A message committed but never published (its node died between the two) must still reach live
 * sessions, in order: the receiving node sees the gap in the conversation's seqs and reads the
 * missing message back from the store.
 */
import type { ServerFrameOf } from '@herald/protocol';
import { ApiClient, startTestServer, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.destroy());

it('fills a gap in a live conversation stream from the store, in seq order', async () => {
  const api = new ApiClient(server.url);
  const [alice, bob] = [await api.register('Alice'), await api.register('Bob')];
  const conversationId = await api.conversation(alice.accessToken, { kind: 'direct', userId: bob.user.id });
  const watcher = await TestSocket.connect(server.wsUrl, bob.accessToken);
  const send = (text: string) =>
    api.request('POST', `/api/v1/conversations/${conversationId}/messages`, { token: alice.accessToken, body: { text } });

  await send('one');
  await watcher.waitFor((f) => f.action === 'new_message' && f.data.text === 'one');
  // Seq 2 is committed as another node would, but that node "dies" before publishing it.
  const orphan = await server.server.repositories.messages.appendMessage({
    conversationId,
    senderId: alice.user.id,
    clientId: 'orphan',
    type: 'text',
    text: 'two (never published)',
    replyTo: null,
    attachment: null,
  });
  expect(orphan.message.seq).toBe(2);
  await send('three');

  await watcher.waitFor((f) => f.action === 'new_message' && f.data.text === 'three');
  const received = watcher.messages(conversationId) as ServerFrameOf<'new_message'>[];
  expect(received.map((f) => [f.data.seq, f.data.text])).toEqual([
    [1, 'one'],
    [2, 'two (never published)'],
    [3, 'three'],
  ]);
  expect(received[1]?.sender).toEqual({ id: alice.user.id, name: 'Alice', avatar: null });
  await watcher.close();
});
