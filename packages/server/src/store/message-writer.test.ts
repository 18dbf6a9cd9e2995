import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type OpenRepositories, openRepositories } from '@herald/testkit';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppendResult, NewMessage } from './message-append.js';
import { type MessageSink, MessageWriter } from './message-writer.js';

let dir: string;
let store: OpenRepositories;
let conversationId: string;
let userId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-writer-'));
  store = await openRepositories({ kind: 'sqlite', file: join(dir, 'w.db') });
  userId = (await store.accounts.createUser({ email: 'w@example.test', name: 'w', passwordHash: 'x', role: 'user' })).id;
  conversationId = await store.conversations.createConversation({
    kind: 'group',
    title: 't',
    ownerId: userId,
    directKey: null,
    memberIds: [userId],
  });
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const message = (clientId: string, conversation = conversationId): NewMessage => ({
  conversationId: conversation,
  senderId: userId,
  clientId,
  type: 'text',
  text: clientId,
  replyTo: null,
  attachment: null,
});

it('batches messages queued in one turn, publishes them in order before resolving', async () => {
  const batches: number[][] = [];
  let resolvedBeforeCommit = false;
  const settled = new Set<string>();
  const writer = new MessageWriter(store.messages, async (results: readonly AppendResult[]) => {
    if (results.some((r) => settled.has(r.message.clientId))) resolvedBeforeCommit = true;
    batches.push(results.map((r) => r.message.seq));
  });
  const all = Array.from({ length: 30 }, (_, i) =>
    writer.append(message(`m${i}`)).then((r) => {
      settled.add(r.message.clientId);
      return r;
    }),
  );
  const results = await Promise.all(all);
  expect(results.map((r) => r.message.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  expect(batches).toEqual([Array.from({ length: 30 }, (_, i) => i + 1)]); // one transaction, in order
  expect(resolvedBeforeCommit).toBe(false);
});

it('a failing message fails alone; the rest of its batch is stored', async () => {
  const writer = new MessageWriter(store.messages, async () => undefined);
  const good = writer.append(message('ok-1'));
  const bad = writer.append(message('bad', 'no-such-conversation'));
  const alsoGood = writer.append(message('ok-2'));
  await expect(bad).rejects.toThrow();
  const [first, second] = await Promise.all([good, alsoGood]);
  expect(second!.message.seq).toBe(first!.message.seq + 1);
  await writer.drain();
});

it('overlaps batches of different conversations, never two of one conversation', async () => {
  const other = await store.conversations.createConversation({
    kind: 'group',
    title: 'o',
    ownerId: userId,
    directKey: null,
    memberIds: [userId],
  });
  // A store whose batches wait until released, so overlap is visible and in our hands.
  const gates: (() => void)[] = [];
  const calls: string[][] = [];
  const gated = async (batch: readonly NewMessage[]) => {
    calls.push(batch.map((m) => m.clientId));
    await new Promise<void>((resolve) => gates.push(resolve));
    return store.messages.appendMessages(batch);
  };
  const slow: MessageSink = Object.create(store.messages, {
    appendMessages: { value: gated },
    appendMessage: { value: async (m: NewMessage) => (await gated([m]))[0] },
  });
  const published: string[] = [];
  const writer = new MessageWriter(slow, async (results) => void published.push(...results.map((r) => r.message.clientId)), {
    concurrency: 2,
  });
  const first = [writer.append(message('c1-a')), writer.append(message('c1-b'))];
  const waitForCalls = async (n: number) => {
    while (calls.length < n) await new Promise((resolve) => setImmediate(resolve));
  };
  await waitForCalls(1);
  // c1 is in flight: its next message waits, the other conversation's goes now, and behind it c1-c
  // keeps its place even though a batch slot frees up first.
  const second = [writer.append(message('c1-c')), writer.append(message('c2-a', other)), writer.append(message('c2-b', other))];
  await waitForCalls(2);
  expect(calls).toEqual([
    ['c1-a', 'c1-b'],
    ['c2-a', 'c2-b'],
  ]);
  gates[1]?.(); // c2's batch finishes first: c1-c must still wait for c1's batch
  await Promise.all(second.slice(1));
  expect(calls).toHaveLength(2);
  gates[0]?.();
  await waitForCalls(3);
  expect(calls[2]).toEqual(['c1-c']);
  gates[2]?.();
  const results = await Promise.all([...first, ...second]);
  await writer.drain();
  expect(results.filter((r) => r.message.conversationId === conversationId).map((r) => r.message.clientId)).toEqual([
    'c1-a',
    'c1-b',
    'c1-c',
  ]);
  const seqs = results.filter((r) => r.message.conversationId === conversationId).map((r) => r.message.seq);
  expect(seqs).toEqual([seqs[0], (seqs[0] ?? 0) + 1, (seqs[0] ?? 0) + 2]);
  expect(published.filter((id) => id.startsWith('c1'))).toEqual(['c1-a', 'c1-b', 'c1-c']);
});

it('a change runs alone, after the messages queued before it in its conversation and before those after it', async () => {
  const order: string[] = [];
  const writer = new MessageWriter(
    store.messages,
    async (results) => void order.push(...results.map((r) => `publish ${r.message.clientId}`)),
  );
  const before = writer.append(message('before-change'));
  const change = writer.change(
    conversationId,
    async () => {
      order.push('write change');
      return 'changed';
    },
    async (result) => void order.push(`publish ${result}`),
  );
  const after = writer.append(message('after-change'));
  expect(await change).toBe('changed');
  await Promise.all([before, after]);
  expect(order).toEqual(['publish before-change', 'write change', 'publish changed', 'publish after-change']);

  // A change whose write fails rejects, publishes nothing, and the queue goes on.
  const failing = writer.change(
    conversationId,
    async () => {
      throw new Error('refused');
    },
    async () => void order.push('publish never'),
  );
  const next = writer.append(message('after-failure'));
  await expect(failing).rejects.toThrow('refused');
  await next;
  await writer.drain();
  expect(order).not.toContain('publish never');
  expect(order.at(-1)).toBe('publish after-failure');
});
