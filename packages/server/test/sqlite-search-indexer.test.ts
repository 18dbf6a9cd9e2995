/**
 * SQLite's deferred search index (SqliteSearchIndexer, migration 0013) on a real SQLite file:
 * a message's write leaves the index alone; a batch or a search indexes it; and whatever happens
 * between batches — edits and deletions of rows indexed or not, retention deleting the newest row so
 * its rowid is reused, batches of any size — the index ends up holding exactly the current text of
 * every message (FTS5's own integrity check against the messages table) and search finds what a
 * plain scan finds.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRepositories, type DatabaseHandle, openDatabase, type Repositories } from '@herald/server';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteSearchIndexer } from '../src/search/sqlite-search-indexer.js';
import { SqliteSearchRepository } from '../src/search/sqlite-search-repository.js';

const WORDS = ['ocelot', 'lynx', 'caracal', 'serval', 'margay', '山猫', 'Puma'];

describe('SQLite search index, filled in batches', () => {
  let dir: string;
  let database: DatabaseHandle;
  let store: Repositories;
  let userId: string;
  let n = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-indexer-'));
    database = await openDatabase({ kind: 'sqlite', file: join(dir, 'herald.db') });
    store = createRepositories(database);
    userId = (await store.accounts.createUser({ email: 'i@example.test', name: 'i', passwordHash: 'x', role: 'user' })).id;
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const newConversation = () =>
    store.conversations.createConversation({ kind: 'group', title: 'g', ownerId: userId, directKey: null, memberIds: [userId] });

  const send = async (conversationId: string, text: string) =>
    (
      await store.messages.appendMessage({
        conversationId,
        senderId: userId,
        clientId: `c${++n}`,
        type: 'text',
        text,
        replyTo: null,
        attachment: null,
      })
    ).message;

  const indexed = async (word: string) =>
    (await sql<{ n: number }>`select count(*) as n from message_search where message_search match ${`"${word}"`}`.execute(database.db))
      .rows[0]?.n;

  const integrityCheck = () => sql`insert into message_search (message_search, rank) values ('integrity-check', 1)`.execute(database.db);

  it('a message write does not touch the index; a batch, or a search, indexes it', async () => {
    const conversationId = await newConversation();
    const indexer = new SqliteSearchIndexer(database.db);
    const search = new SqliteSearchRepository(database.db);
    await indexer.catchUp();
    await send(conversationId, 'a jaguarundi crossed the road');
    expect(await indexed('jaguarundi')).toBe(0);
    expect(await indexer.indexBatch()).toBe(1);
    expect(await indexed('jaguarundi')).toBe(1);
    await send(conversationId, 'a second jaguarundi');
    expect(await indexed('second')).toBe(0);
    const page = await search.search({ userId, words: ['jaguarundi'], conversationId, limit: 10 });
    expect(page.messages.map((m) => m.text)).toEqual(['a second jaguarundi', 'a jaguarundi crossed the road']);
    await integrityCheck();
  });

  it('the timer indexes new messages without a search', async () => {
    const conversationId = await newConversation();
    const indexer = new SqliteSearchIndexer(database.db, { intervalMs: 5 });
    await indexer.catchUp();
    indexer.start();
    try {
      await send(conversationId, 'an oncilla at dusk');
      await expect.poll(() => indexed('oncilla'), { timeout: 5000 }).toBe(1);
    } finally {
      await indexer.close();
    }
  });

  it('edits, deletions, retention and reused rowids between batches keep the index exact', async () => {
    type Op =
      | { kind: 'send'; words: string[] }
      | { kind: 'edit'; pick: number; words: string[] }
      | { kind: 'delete'; pick: number }
      | { kind: 'deleteNewest' }
      | { kind: 'batch' }
      | { kind: 'search'; word: string };
    const words = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: words.map((w) => ({ kind: 'send' as const, words: w })) },
      { weight: 2, arbitrary: fc.tuple(fc.nat(), words).map(([pick, w]) => ({ kind: 'edit' as const, pick, words: w })) },
      { weight: 1, arbitrary: fc.nat().map((pick) => ({ kind: 'delete' as const, pick })) },
      { weight: 1, arbitrary: fc.constant({ kind: 'deleteNewest' as const }) },
      { weight: 2, arbitrary: fc.constant({ kind: 'batch' as const }) },
      { weight: 1, arbitrary: fc.constantFrom(...WORDS).map((word) => ({ kind: 'search' as const, word })) },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 5, maxLength: 30 }), fc.integer({ min: 1, max: 4 }), async (ops, batchRows) => {
        const conversationId = await newConversation();
        const indexer = new SqliteSearchIndexer(database.db, { batchRows });
        const search = new SqliteSearchRepository(database.db, undefined, { batchRows });
        const rowids = async () =>
          (
            await sql<{ rowid: number }>`select rowid from messages where conversation_id = ${conversationId} order by rowid`.execute(
              database.db,
            )
          ).rows.map((r) => r.rowid);
        for (const step of ops) {
          if (step.kind === 'send') await send(conversationId, step.words.join(' '));
          else if (step.kind === 'batch') await indexer.indexBatch();
          else if (step.kind === 'edit' || step.kind === 'delete') {
            const rows = await rowids();
            const rowid = rows[step.pick % Math.max(rows.length, 1)];
            if (rowid === undefined) continue;
            if (step.kind === 'edit')
              await sql`update messages set text = ${step.words.join(' ')} where rowid = ${rowid}`.execute(database.db);
            else await sql`delete from messages where rowid = ${rowid}`.execute(database.db);
          } else if (step.kind === 'deleteNewest') {
            // Deleting the table's newest row lets the next insert take its rowid, perhaps at or below the mark.
            await sql`delete from messages where rowid = (select max(rowid) from messages)`.execute(database.db);
          } else {
            const found = await search.search({ userId, words: [step.word], conversationId, limit: 100 });
            const { rows } = await sql<{ text: string }>`
              select text from messages where conversation_id = ${conversationId} order by rowid desc`.execute(database.db);
            const expected = rows.map((r) => r.text).filter((text) => text.toLowerCase().includes(step.word.toLowerCase()));
            expect(found.messages.map((m) => m.text)).toEqual(expected);
          }
        }
        await indexer.catchUp();
        await integrityCheck();
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
