import { ErrorCode, HeraldError } from '@herald/protocol';
import { dropPostgresSchema, type OpenRepositories, openRepositories, PG_URL, postgresAvailable, uniqueSchemaName } from '@herald/testkit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresPool } from './postgres-dialect.js';
import { postgresMessageAppend } from './postgres-message-append.js';

// The message repository contract suite (test/message-repository.contract.test.ts) checks results, which the Kysely fallback
// would also get right; this checks the statement itself: it must not need the fallback except when
// another node stored the same client id concurrently, and then it must have written nothing.
const hasPostgres = await postgresAvailable();

describe.skipIf(!hasPostgres)('postgres message append', () => {
  const schema = uniqueSchemaName();
  const application = `herald_append_${process.pid}`;
  const nodes: pg.Pool[] = [];
  let store: OpenRepositories;
  let sender: string;
  let conversations: string[];
  let n = 0;
  const msg = (conversationId: string, clientId = `m${++n}`) => ({
    conversationId,
    senderId: sender,
    clientId,
    type: 'text' as const,
    text: clientId,
    replyTo: null,
    attachment: null,
  });
  const lastSeqs = async () =>
    Promise.all(conversations.map(async (id) => (await store.conversations.getConversation(id, sender))?.lastSeq));

  beforeAll(async () => {
    store = await openRepositories({ kind: 'postgres', url: PG_URL, schema });
    sender = (await store.accounts.createUser({ email: 's@example.test', name: 's', passwordHash: 'x', role: 'user' })).id;
    conversations = await Promise.all(
      [0, 1, 2].map(() =>
        store.conversations.createConversation({ kind: 'group', title: 't', ownerId: sender, directKey: null, memberIds: [sender] }),
      ),
    );
    for (let i = 0; i < 2; i++) {
      const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${application}`;
      nodes.push(createPostgresPool(url, { schema }));
    }
  });
  afterAll(async () => {
    await Promise.all(nodes.map((pool) => pool.end()));
    await store?.close();
    await dropPostgresSchema(PG_URL, schema);
  });

  it('writes concurrent batches and singles from two nodes without declining', async () => {
    const before = await lastSeqs();
    const appends = nodes.map(postgresMessageAppend);
    const results = await Promise.all(
      appends.flatMap((append, node) =>
        Array.from({ length: 10 }, (_, j) => {
          const order = node === 0 ? [0, 1, 2] : [2, 1, 0];
          const ids = order.map((i) => conversations[(i + j) % 3]!);
          return append(j % 3 === 0 ? [msg(ids[0]!)] : [msg(ids[0]!), msg(ids[1]!), msg(ids[2]!), msg(ids[0]!)]);
        }),
      ),
    );
    expect(results.every((r) => r !== undefined)).toBe(true);
    const written = results.flatMap((r) => r ?? []);
    expect(written.every((r) => !r.duplicate)).toBe(true);
    const after = await lastSeqs();
    for (const [i, id] of conversations.entries()) {
      const seqs = written
        .filter((r) => r.message.conversationId === id)
        .map((r) => r.message.seq)
        .sort((a, b) => a - b);
      const from = before[i]!;
      expect(seqs).toEqual(seqs.map((_, k) => from + k + 1));
      expect(after[i]).toBe(from + seqs.length);
    }
  });

  it('throws NotFound for a message naming a missing conversation, and writes nothing of its batch', async () => {
    const append = postgresMessageAppend(nodes[0]!);
    const before = await lastSeqs();
    for (const batch of [[msg('no-such-conversation')], [msg(conversations[1]!), msg('no-such-conversation'), msg(conversations[2]!)]]) {
      const failure = await append(batch).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(HeraldError);
      expect((failure as HeraldError).code).toBe(ErrorCode.NotFound);
    }
    expect(await lastSeqs()).toEqual(before);
  });

  for (const size of [1, 2]) {
    it(`declines a ${size === 1 ? 'single message' : 'batch'} whose client id another node stored after its snapshot, writing nothing`, async () => {
      const [raced, other] = [conversations[0]!, conversations[1]!];
      const clientId = `raced-${size}`;
      const before = await lastSeqs();
      // The other node: stores the same (sender, clientId), holding the conversation's row lock until COMMIT.
      const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        await client.query('BEGIN');
        const { rows } = await client.query<{ last_seq: string }>(
          'UPDATE conversations SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq',
          [raced],
        );
        await client.query(
          `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, type, text, created_at)
           VALUES ($1, $2, $3, $4, $5, 'text', 'first', 0)`,
          [`other-${clientId}`, raced, rows[0]!.last_seq, sender, clientId],
        );
        const batch = size === 1 ? [msg(raced, clientId)] : [msg(other), msg(raced, clientId)];
        const pending = postgresMessageAppend(nodes[0]!)(batch);
        // Commit only once the append waits for the row lock: its snapshot cannot see the row.
        const monitor = new pg.Client({ connectionString: PG_URL });
        await monitor.connect();
        try {
          for (;;) {
            const waiting = await monitor.query("SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [
              application,
            ]);
            if (waiting.rowCount) break;
          }
        } finally {
          await monitor.end();
        }
        await client.query('COMMIT');
        expect(await pending).toBeUndefined();
      } finally {
        await client.end();
      }
      const after = await lastSeqs();
      expect(after).toEqual([before[0]! + 1, before[1], before[2]]);
      // The fallback (KyselyMessageAppend) then returns the original.
      expect(await store.messages.appendMessage(msg(raced, clientId))).toMatchObject({ duplicate: true, message: { text: 'first' } });
    });
  }
});

// A named statement's generic plan, like the plans of a PL/pgSQL function's statements, is made
// once per connection and kept. Made while `messages` was small, the plan of a batch CTE that
// joined it scanned the whole table for every batch, forever on that connection (the bench's
// PostgreSQL chat read 14 million rows in 30 s). Both statements must keep using the indexes.
describe.skipIf(!hasPostgres)('postgres message append on a table that grew', () => {
  const schema = uniqueSchemaName();
  let store: OpenRepositories;
  let pool: pg.Pool;
  let monitor: pg.Client;

  beforeAll(async () => {
    store = await openRepositories({ kind: 'postgres', url: PG_URL, schema });
    pool = createPostgresPool(PG_URL, { schema, poolSize: 1 });
    monitor = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
    await monitor.connect();
    // No autovacuum: its ANALYZE would replan the statements mid-test and hide a stale plan.
    await monitor.query('ALTER TABLE messages SET (autovacuum_enabled = false)');
    await monitor.query('ALTER TABLE conversations SET (autovacuum_enabled = false)');
  });
  afterAll(async () => {
    await monitor?.end();
    await pool?.end();
    await store?.close();
    await dropPostgresSchema(PG_URL, schema);
  });

  /** messages' counters once they include `inserted` inserts. Backends report when idle, at most once a second unless asked (15+). */
  const messageStats = async (inserted: number) => {
    const flush = `DO $$ BEGIN IF to_regproc('pg_stat_force_next_flush') IS NOT NULL THEN PERFORM pg_stat_force_next_flush(); END IF; END $$`;
    await Promise.all([pool.query(flush), monitor.query(flush)]);
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
      const { rows } = await monitor.query<{ ins: string; seq_read: string }>(
        'SELECT n_tup_ins AS ins, seq_tup_read AS seq_read FROM pg_stat_user_tables WHERE schemaname = $1 AND relname = $2',
        [schema, 'messages'],
      );
      const row = rows[0];
      if (row && Number(row.ins) >= inserted) return { inserted: Number(row.ins), seqRead: Number(row.seq_read) };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`pg_stat_user_tables did not report ${inserted} message inserts in 15 s`);
  };

  it('does not scan the whole messages table per write once it has grown', async () => {
    const sender = (await store.accounts.createUser({ email: 'g@example.test', name: 'g', passwordHash: 'x', role: 'user' })).id;
    const [live, bulk] = await Promise.all(
      [0, 1].map(() =>
        store.conversations.createConversation({ kind: 'group', title: 't', ownerId: sender, directKey: null, memberIds: [sender] }),
      ),
    );
    const append = postgresMessageAppend(pool);
    let n = 0;
    const batch = (size = 2) =>
      Array.from({ length: size }, () => ({
        conversationId: live!,
        senderId: sender,
        clientId: `g${++n}`,
        type: 'text' as const,
        text: 'x',
        replyTo: null,
        attachment: null,
      }));
    // Enough batches and singles on the pool's one connection, while the table is small, for PostgreSQL to settle on plans.
    for (let i = 0; i < 8; i++) {
      expect(await append(batch())).toHaveLength(2);
      expect(await append(batch(1))).toHaveLength(1);
    }
    const rows = 20_000;
    await monitor.query(
      `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, type, text, created_at)
       SELECT 'bulk' || g, $1, g, $2, 'bulk' || g, 'text', 'x', 0 FROM generate_series(1, ${rows}) g`,
      [bulk, sender],
    );
    const before = await messageStats(24 + rows);
    for (let i = 0; i < 10; i++) {
      expect(await append(batch())).toHaveLength(2);
      expect(await append(batch(1))).toHaveLength(1);
    }
    const after = await messageStats(before.inserted + 30);
    // A stale plan reads every row for every write (10 × 20,000 or more); index look-ups read none.
    expect(after.seqRead - before.seqRead).toBeLessThan(rows);
  }, 40_000);
});
