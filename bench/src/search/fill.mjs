/**
 * Fills a search bench database straight through SQL, before the search indexes exist (schema at
 * migration 0008), then builds them the way a deployment would: by running migration 0009 over the
 * filled table (its backfill is what `indexBuildSeconds` times).
 * Layout: `users` users, `conversations` groups of 3 to 8, the searcher (user 0) a member of the
 * first `searcherConversations`, which carry `searcherShare` of all messages; senders are members.
 * Invariant: ids grow with time (as Herald's UUIDv7 ids do), seqs are gapless per conversation.
 */

import { migrateTo, migrateToLatest } from '@herald/server';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { messageText, rng } from './corpus.mjs';

const BEFORE_SEARCH = '0008_message_changes';

/** @typedef {{ messages: number, users: number, conversations: number, searcherConversations: number, searcherShare: number, seed: number }} Layout */

/** A fixed-width id that sorts like `n`. @param {string} kind @param {number} n */
const idOf = (kind, n) => `00000000-0000-7${kind}00-8000-${n.toString(16).padStart(12, '0')}`;
export const userId = (/** @type {number} */ n) => idOf('1', n);
export const conversationId = (/** @type {number} */ n) => idOf('2', n);

/** Every row of the bench, in insert order, handed to `sink` in batches. @param {Layout} layout */
function* rows(layout, batchSize = 5000) {
  const random = rng(layout.seed);
  const members = [];
  for (let c = 0; c < layout.conversations; c++) {
    const set = new Set(c < layout.searcherConversations ? [0] : []);
    const size = 3 + Math.floor(random() * 6);
    while (set.size < size) set.add(1 + Math.floor(random() * (layout.users - 1)));
    members.push([...set]);
  }
  yield { kind: 'members', members };
  const seqs = new Array(layout.conversations).fill(0);
  const start = Date.now() - layout.messages * 1000;
  let batch = [];
  for (let i = 0; i < layout.messages; i++) {
    const c =
      random() < layout.searcherShare
        ? Math.floor(random() * layout.searcherConversations)
        : layout.searcherConversations + Math.floor(random() * (layout.conversations - layout.searcherConversations));
    const from = /** @type {number[]} */ (members[c]);
    const sender = /** @type {number} */ (from[Math.floor(random() * from.length)]);
    seqs[c]++;
    batch.push({ id: idOf('3', i + 1), c, seq: seqs[c], sender, text: messageText(random), at: start + i * 1000, n: i });
    if (batch.length === batchSize) {
      yield { kind: 'messages', batch };
      batch = [];
    }
  }
  if (batch.length > 0) yield { kind: 'messages', batch };
  yield { kind: 'seqs', seqs };
}

/** Fill a SQLite file and build its search index; returns the seconds each step took. @param {string} file @param {Layout} layout */
export async function fillSqlite(file, layout) {
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = OFF');
  const db = new Kysely({ dialect: new SqliteDialect({ database }) });
  await migrateTo(db, BEFORE_SEARCH);
  const started = performance.now();
  const user = database.prepare("INSERT INTO users (id, email, name, password_hash, role, created_at) VALUES (?, ?, ?, 'x', 'user', 0)");
  const conversation = database.prepare(
    "INSERT INTO conversations (id, kind, title, owner_id, last_seq, created_at, updated_at) VALUES (?, 'group', 'g', ?, 0, 0, 0)",
  );
  const member = database.prepare(
    "INSERT INTO conversation_members (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', 0)",
  );
  const message = database.prepare(
    "INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, type, text, created_at) VALUES (?, ?, ?, ?, ?, 'text', ?, ?)",
  );
  const last = database.prepare('UPDATE conversations SET last_seq = ? WHERE id = ?');
  const write = database.transaction((/** @type {any} */ item) => {
    if (item.kind === 'members') {
      for (let u = 0; u < layout.users; u++) user.run(userId(u), `u${u}@bench.test`, `user${u}`);
      item.members.forEach((/** @type {number[]} */ list, /** @type {number} */ c) => {
        conversation.run(conversationId(c), userId(list[0] ?? 0));
        for (const u of list) member.run(conversationId(c), userId(u));
      });
    } else if (item.kind === 'messages') {
      for (const m of item.batch) message.run(m.id, conversationId(m.c), m.seq, userId(m.sender), `b${m.n}`, m.text, m.at);
    } else {
      item.seqs.forEach((/** @type {number} */ seq, /** @type {number} */ c) => {
        last.run(seq, conversationId(c));
      });
    }
  });
  for (const item of rows(layout)) write(item);
  const fillSeconds = (performance.now() - started) / 1000;
  const indexed = performance.now();
  await migrateToLatest(db);
  const indexBuildSeconds = (performance.now() - indexed) / 1000;
  database.pragma('wal_checkpoint(TRUNCATE)');
  await db.destroy();
  return { fillSeconds, indexBuildSeconds };
}

/** Fill a PostgreSQL schema and build its search index. @param {string} url @param {string} schema @param {Layout} layout */
export async function fillPostgres(url, schema, layout) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema if not exists ${schema}`);
  await admin.end();
  const pool = new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema} -c maintenance_work_mem=256MB` });
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  await migrateTo(db, BEFORE_SEARCH, schema);
  const started = performance.now();
  const client = await pool.connect();
  try {
    for (const item of /** @type {Iterable<any>} */ (rows(layout))) {
      if (item.kind === 'members') {
        const users = Array.from({ length: layout.users }, (_, u) => userId(u));
        await client.query(
          "insert into users (id, email, name, password_hash, role, created_at) select id, id || '@bench.test', id, 'x', 'user', 0 from unnest($1::text[]) as id",
          [users],
        );
        const ids = item.members.map((/** @type {number[]} */ _list, /** @type {number} */ c) => conversationId(c));
        const owners = item.members.map((/** @type {number[]} */ list) => userId(list[0] ?? 0));
        await client.query(
          "insert into conversations (id, kind, title, owner_id, last_seq, created_at, updated_at) select id, 'group', 'g', owner, 0, 0, 0 from unnest($1::text[], $2::text[]) as t(id, owner)",
          [ids, owners],
        );
        /** @type {string[][]} */
        const pairs = item.members.flatMap((/** @type {number[]} */ list, /** @type {number} */ c) =>
          list.map((u) => [conversationId(c), userId(u)]),
        );
        await client.query(
          "insert into conversation_members (conversation_id, user_id, role, joined_at) select c, u, 'member', 0 from unnest($1::text[], $2::text[]) as t(c, u)",
          [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
        );
      } else if (item.kind === 'messages') {
        /** @type {{ id: string, c: number, seq: number, sender: number, text: string, at: number, n: number }[]} */
        const b = item.batch;
        await client.query(
          `insert into messages (id, conversation_id, seq, sender_id, client_id, type, text, created_at)
           select id, c, seq, s, cid, 'text', t, at from unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::bigint[]) as x(id, c, seq, s, cid, t, at)`,
          [
            b.map((m) => m.id),
            b.map((m) => conversationId(m.c)),
            b.map((m) => m.seq),
            b.map((m) => userId(m.sender)),
            b.map((m) => `b${m.n}`),
            b.map((m) => m.text),
            b.map((m) => m.at),
          ],
        );
      } else {
        await client.query(
          'update conversations set last_seq = x.seq from unnest($1::text[], $2::bigint[]) as x(id, seq) where conversations.id = x.id',
          [item.seqs.map((/** @type {number} */ _, /** @type {number} */ c) => conversationId(c)), item.seqs],
        );
      }
    }
  } finally {
    client.release();
  }
  const fillSeconds = (performance.now() - started) / 1000;
  const indexed = performance.now();
  await migrateToLatest(db, schema);
  const indexBuildSeconds = (performance.now() - indexed) / 1000;
  await pool.query('analyze messages, conversation_members, conversations');
  await db.destroy();
  return { fillSeconds, indexBuildSeconds };
}
