import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createStore } from '../store/create-store.js';
import type { AppendResult, NewMessage, Store } from '../store/store.js';
import { MessageWriter } from './message-writer.js';

let dir: string;
let store: Store;
let conversationId: string;
let userId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'herald-writer-'));
  store = await createStore({ kind: 'sqlite', file: join(dir, 'w.db') });
  userId = (await store.createUser({ email: 'w@example.test', name: 'w', passwordHash: 'x', role: 'user' })).id;
  conversationId = await store.createConversation({ kind: 'group', title: 't', ownerId: userId, directKey: null, memberIds: [userId] });
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
  const writer = new MessageWriter(store, async (results: readonly AppendResult[]) => {
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
  const writer = new MessageWriter(store, async () => undefined);
  const good = writer.append(message('ok-1'));
  const bad = writer.append(message('bad', 'no-such-conversation'));
  const alsoGood = writer.append(message('ok-2'));
  await expect(bad).rejects.toThrow();
  const [first, second] = await Promise.all([good, alsoGood]);
  expect(second!.message.seq).toBe(first!.message.seq + 1);
  await writer.drain();
});
