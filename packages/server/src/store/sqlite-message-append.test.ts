import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRepositories } from '@herald/testkit';
import SQLite from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { sqliteMessageAppend } from './sqlite-message-append.js';

// The write path itself runs under the message repository contract suite (test/message-repository.contract.test.ts); this
// checks that it never writes inside someone else's open transaction.
const dir = mkdtempSync(join(tmpdir(), 'herald-append-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('declines while a transaction is open on the connection, and writes once it is closed', async () => {
  const file = join(dir, 'a.db');
  const store = await openRepositories({ kind: 'sqlite', file });
  const owner = await store.accounts.createUser({ email: 'a@x', name: 'a', passwordHash: 'x', role: 'user' });
  const conversationId = await store.conversations.createConversation({
    kind: 'group',
    title: 't',
    ownerId: owner.id,
    directKey: null,
    memberIds: [owner.id],
  });
  await store.close();

  const database = new SQLite(file);
  const append = sqliteMessageAppend(database);
  const message = {
    conversationId,
    senderId: owner.id,
    clientId: 'm1',
    type: 'text' as const,
    text: 'hi',
    replyTo: null,
    attachment: null,
  };
  database.exec('BEGIN');
  expect(append([message])).toBeUndefined();
  database.exec('ROLLBACK');
  expect(append([message])?.map((r) => [r.message.seq, r.duplicate])).toEqual([[1, false]]);
  expect(append([message])?.map((r) => [r.message.seq, r.duplicate])).toEqual([[1, true]]);
  database.close();
});
