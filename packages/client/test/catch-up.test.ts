/**
 * Catch-up after a reconnect, against the real server over real sockets: 10,000 messages missed
 * across 4 conversations (2,500 each, written by another user's socket while the subscriber was
 * away) reach the handlers in order, exactly once, with no `history` refill (the client sends no
 * `history` frame at all: the early-acked subscribe streams everything) and no `onError` report.
 * The time from `connected` to the last handler call is printed (bench/ keeps the figure).
 */
import type { WebSocketConstructor } from '@herald/client';
import type { ServerFrameOf } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { nodeClient, range, waitForState } from './harness.js';
import { seedMessages } from './seed-messages.js';

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

describe.each(backends)('catch-up after a reconnect ($database)', ({ database, available }) => {
  it.skipIf(!available)(
    'delivers 10,000 missed messages across 4 conversations in order, exactly once, with no history refill and no onError',
    async () => {
      const server = await startTestServer({ database, env: { HERALD_RATE_PER_SECOND: '10000', HERALD_RATE_BURST: '10000' } });
      servers.push(server);
      const api = new ApiClient(server.url);
      const alice = await api.register('Alice');
      const bob = await api.register('Bob');
      const conversations = await Promise.all(
        range(4).map((n) => api.conversation(alice.accessToken, { kind: 'group', title: `catch-up ${n}`, memberIds: [bob.user.id] })),
      );
      const sent = new Map<string, number>();
      const reader = nodeClient(server.wsUrl, bob.accessToken, { WebSocket: countingWebSocket(sent) });
      const seqs = new Map<string, number[]>(conversations.map((id) => [id, []]));
      let total = 0;
      let lastCall = 0;
      reader.client.on('new_message', (frame: ServerFrameOf<'new_message'>) => {
        seqs.get(frame.data.conversationId)?.push(frame.data.seq);
        total++;
        if (frame.data.seq <= 2_500) lastCall = performance.now(); // the last missed one, not the live one
      });
      await reader.client.connect();
      await Promise.all(conversations.map((id) => reader.client.subscribeConversation(id, { since: 0 })));
      reader.client.disconnect();
      await waitForState(reader.client, (s) => s.status === 'disconnected');

      await seedMessages(server.wsUrl, alice.accessToken, conversations, 2_500);
      sent.clear();

      let connectedAt = 0;
      const stop = reader.client.subscribe((state, previous) => {
        if (state.status === 'connected' && previous.status !== 'connected') connectedAt = performance.now();
      });
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out: ${total}/10000 delivered`)), 30_000);
        const check = reader.client.on('new_message', () => {
          if (total < 10_000) return;
          clearTimeout(timer);
          check();
          resolve();
        });
      });
      await reader.client.connect();
      // Live traffic during the catch-up lands after it, in order, exactly once.
      await api.sendText(alice.accessToken, conversations[0] as string, 'live');
      await done;
      await new Promise<void>((resolve) => {
        if (total >= 10_001) resolve();
        else
          reader.client.on('new_message', () => {
            if (total >= 10_001) resolve();
          });
      });
      stop();
      console.log(
        `catch-up (${database}): 10,000 messages (4 x 2,500) from connected to the last handler call in ${Math.round(lastCall - connectedAt)} ms`,
      );

      for (const [id, got] of seqs) expect(got).toEqual(range(id === conversations[0] ? 2_501 : 2_500));
      expect(sent.get('history') ?? 0).toBe(0);
      expect(sent.get('subscribe')).toBe(4);
      expect(reader.errors).toEqual([]);
      reader.client.dispose();
    },
    120_000,
  );
});
