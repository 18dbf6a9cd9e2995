/**
 * Message retention end to end, with the real SDK against a real server (SQLite and PostgreSQL):
 * the sweep deletes a conversation's old messages; a client resuming `since` a deleted seq gets
 * what remains from the oldest kept seq on, then live messages, in order, exactly once, without a
 * single `history` refill (the pruned range is known deleted, not a gap), and history pages say
 * `firstSeq`.
 */
import type { WebSocketConstructor } from '@herald/client';
import { ApiClient, postgresAvailable, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Inbox, nodeClient } from './harness.js';

const backends = [
  { database: 'sqlite' as const, available: true },
  { database: 'postgres' as const, available: await postgresAvailable() },
];

const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.destroy();
});

/** A real `ws` socket that counts the frames the client sends, by action. */
function countingWebSocket(sent: Map<string, number>): WebSocketConstructor {
  return class CountingWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      const send = this.send.bind(this) as (data: unknown, ...rest: unknown[]) => void;
      this.send = ((data: unknown, ...rest: unknown[]) => {
        const action = (JSON.parse(String(data)) as { action: string }).action;
        sent.set(action, (sent.get(action) ?? 0) + 1);
        send(data, ...rest);
      }) as WebSocket['send'];
    }
  };
}

describe.each(backends)('message retention ($database)', ({ database, available }) => {
  it.skipIf(!available)('resumes from a pruned seq with what remains and live messages, without refilling the pruned range', async () => {
    // 0.0001 days = 8.64 s of retention, swept every 2.16 s; the test dates messages itself.
    const server = await startTestServer({ database, env: { HERALD_MESSAGE_RETENTION_DAYS: '0.0001' } });
    servers.push(server);
    const { db } = server.server.database;
    const api = new ApiClient(server.url);
    const { alice, bob, conversationId } = await api.directPair();
    for (let i = 1; i <= 8; i++) await api.sendText(alice.accessToken, conversationId, `m${i}`);
    // 1-5 are a day old; 6-8 are dated an hour ahead, so no delay of this test can age them.
    const now = Date.now();
    await db
      .updateTable('messages')
      .set({ created_at: now - 24 * 3600_000 })
      .where('conversation_id', '=', conversationId)
      .where('seq', '<=', 5)
      .execute();
    await db
      .updateTable('messages')
      .set({ created_at: now + 3600_000 })
      .where('conversation_id', '=', conversationId)
      .where('seq', '>', 5)
      .execute();

    const history = async () =>
      api.rest.conversations.history({ params: { id: conversationId }, query: { after: 0, limit: 50 }, token: bob.accessToken });
    await expect.poll(async () => (await history()).firstSeq, { timeout: 20_000, interval: 250 }).toBe(6);
    const page = await history();
    expect(page.messages.map((m) => m.seq)).toEqual([6, 7, 8]);

    const sent = new Map<string, number>();
    const reader = nodeClient(server.wsUrl, bob.accessToken, { WebSocket: countingWebSocket(sent) });
    const inbox = new Inbox(reader.client, conversationId);
    await reader.client.connect();
    const ack = await reader.client.subscribeConversation(conversationId, { since: 2 });
    expect(ack).toMatchObject({ lastSeq: 8, firstSeq: 6 });
    await inbox.waitForCount(3);
    await api.sendText(alice.accessToken, conversationId, 'live');
    await inbox.waitForCount(4);
    expect(inbox.seqs).toEqual([6, 7, 8, 9]);
    expect(inbox.texts).toEqual(['m6', 'm7', 'm8', 'live']);
    expect(reader.client.lastSeq(conversationId)).toBe(9);
    expect(sent.get('history') ?? 0).toBe(0);
    expect(reader.errors).toEqual([]);
    reader.client.dispose();
  });

  it.skipIf(!available)('tells a subscriber of a conversation whose every message was pruned where it stands', async () => {
    const server = await startTestServer({ database, env: { HERALD_MESSAGE_RETENTION_DAYS: '0.0001' } });
    servers.push(server);
    const { db } = server.server.database;
    const api = new ApiClient(server.url);
    const { alice, bob, conversationId } = await api.directPair();
    for (let i = 1; i <= 3; i++) await api.sendText(alice.accessToken, conversationId, `old${i}`);
    await db
      .updateTable('messages')
      .set({ created_at: Date.now() - 24 * 3600_000 })
      .where('conversation_id', '=', conversationId)
      .execute();
    const firstSeq = async () =>
      (await api.rest.conversations.history({ params: { id: conversationId }, query: { limit: 50 }, token: bob.accessToken })).firstSeq;
    await expect.poll(firstSeq, { timeout: 20_000, interval: 250 }).toBe(4);

    const reader = nodeClient(server.wsUrl, bob.accessToken);
    const inbox = new Inbox(reader.client, conversationId);
    await reader.client.connect();
    expect(await reader.client.subscribeConversation(conversationId, { since: 0 })).toMatchObject({ lastSeq: 3, firstSeq: 4 });
    await api.sendText(alice.accessToken, conversationId, 'after the purge');
    await inbox.waitForCount(1);
    expect(inbox.seqs).toEqual([4]);
    expect(reader.errors).toEqual([]);
    reader.client.dispose();
  });
});
