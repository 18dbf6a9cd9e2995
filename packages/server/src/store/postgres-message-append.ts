/**
 * PostgreSQL's message write path: a whole batch in ONE statement, one round trip, instead of BEGIN,
 * look-up, seq bump, insert, read marker and COMMIT per message. The statement is a data-modifying
 * CTE run in autocommit, so it is its own transaction: all of it commits or none of it.
 * Two fixed statement texts: SINGLE for one message (the common case at low load, and much cheaper
 * for PostgreSQL to plan), BATCH for several, which travel as one array per column so the text is
 * the same for every batch size. Repeats inside the batch are resolved here, before either runs.
 * Invariants (the Store contract), kept by both statements:
 * - seq = last_seq + 1, + 2, ... in batch order per conversation, assigned from the UPDATE that
 *   bumps `conversations.last_seq` (and `updated_at`) in the statement that inserts the rows. Its
 *   row lock serialises writers on every node; after waiting, READ COMMITTED re-reads the row
 *   (EvalPlanQual), so the bump starts from the last committed value: no duplicate, no gap.
 * - BATCH locks all its conversations first, in id order (`locked`; byte order, the order of the
 *   Kysely path's JS sort for ASCII ids), before it bumps any (the gate on `bumped` needs all of
 *   `locked`), so two batches, here or on the Kysely path, cannot deadlock. SINGLE locks one row.
 * - a (sender_id, client_id) already stored, or earlier in the batch, is not inserted and takes no
 *   seq: its result is the original with `duplicate: true`. Results come back in batch order.
 * - the sender's `last_read_seq` is raised to their last new seq per conversation, never lowered.
 * - a new message naming a missing conversation fails the batch and writes nothing (the gate stops
 *   every bump, so every insert): this throws NotFound.
 * - another node storing the same (sender_id, client_id) after this statement's snapshot makes the
 *   insert fail on that unique index (SQLSTATE 23505, `messages_sender_client`), which rolls the
 *   whole statement back (never a bumped last_seq without its row; no ON CONFLICT DO NOTHING for
 *   that reason): this then returns `undefined` and the caller takes the Kysely path, which reads
 *   the original. Every other error is thrown.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { Selectable } from 'kysely';
import type pg from 'pg';
import { messageRow, toMessage } from './message-rows.js';
import type { MessagesTable } from './schema.js';
import type { AppendResult, NewMessage } from './store.js';

export type PostgresMessageAppend = (batch: readonly NewMessage[]) => Promise<AppendResult[] | undefined>;

/** The text columns both statements take as $1..$9, in this order. */
const PARAMETER_COLUMNS = ['id', 'conversation_id', 'sender_id', 'client_id', 'type', 'text', 'reply_to', 'attachment', 'file_id'] as const;

const MESSAGE_COLUMNS = 'id, conversation_id, seq, sender_id, client_id, type, text, reply_to, attachment, file_id, created_at';

/**
 * The statements' result: a row per inserted message (`new_seq`, `id`; the rest null) and a row per
 * stored original (`ord`, its 1-based position among the messages sent, and its columns).
 */
const resultRows = (storedOrd: string) => `
SELECT NULL::bigint AS ord, seq AS new_seq, id, NULL::text AS conversation_id, NULL::bigint AS seq, NULL::text AS sender_id,
       NULL::text AS client_id, NULL::text AS type, NULL::text AS text, NULL::text AS reply_to, NULL::text AS attachment,
       NULL::text AS file_id, NULL::bigint AS created_at
  FROM inserted
UNION ALL
SELECT ${storedOrd}, NULL, ${MESSAGE_COLUMNS} FROM stored`;

/** One message: $1..$9 the row's text columns (in BATCH's order), $10 created_at. */
const SINGLE = `
WITH stored AS (
  SELECT ${MESSAGE_COLUMNS} FROM messages WHERE sender_id = $3::text AND client_id = $4::text
),
bumped AS (
  UPDATE conversations SET last_seq = last_seq + 1, updated_at = $10::bigint
   WHERE id = $2::text AND NOT EXISTS (SELECT 1 FROM stored)
  RETURNING last_seq
),
inserted AS (
  INSERT INTO messages (${MESSAGE_COLUMNS})
  SELECT $1::text, $2::text, last_seq, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::bigint FROM bumped
  RETURNING id, seq
),
read_own AS (
  UPDATE conversation_members SET last_read_seq = i.seq FROM inserted i
   WHERE conversation_id = $2::text AND user_id = $3::text AND last_read_seq < i.seq
)
${resultRows('1')}`;

/** Several messages, distinct (sender, clientId): $1..$9 one array per text column, $10 created_at. */
const BATCH = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])
    WITH ORDINALITY AS i(id, conversation_id, sender_id, client_id, type, text, reply_to, attachment, file_id, ord)
),
stored AS (
  SELECT i.ord, m.id, m.conversation_id, m.seq, m.sender_id, m.client_id, m.type, m.text, m.reply_to, m.attachment, m.file_id, m.created_at
    FROM input i JOIN messages m ON m.sender_id = i.sender_id AND m.client_id = i.client_id
),
fresh AS (
  SELECT i.*,
         row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.ord) AS k,
         count(*) OVER (PARTITION BY i.conversation_id) AS n
    FROM input i
   WHERE NOT EXISTS (SELECT 1 FROM stored s WHERE s.ord = i.ord)
),
locked AS MATERIALIZED (
  SELECT c.id FROM conversations c
   WHERE c.id IN (SELECT conversation_id FROM fresh)
   ORDER BY c.id COLLATE "C"
     FOR NO KEY UPDATE
),
bumped AS (
  UPDATE conversations c
     SET last_seq = c.last_seq + f.n, updated_at = $10::bigint
    FROM fresh f
   WHERE f.k = 1 AND c.id = f.conversation_id
     AND (SELECT count(*) FROM locked) = (SELECT count(DISTINCT conversation_id) FROM fresh)
  RETURNING c.id, c.last_seq - f.n AS base
),
inserted AS (
  INSERT INTO messages (${MESSAGE_COLUMNS})
  SELECT f.id, f.conversation_id, b.base + f.k, f.sender_id, f.client_id, f.type, f.text, f.reply_to, f.attachment, f.file_id, $10::bigint
    FROM fresh f JOIN bumped b ON b.id = f.conversation_id
  RETURNING id, seq, conversation_id, sender_id
),
read_own AS (
  UPDATE conversation_members cm
     SET last_read_seq = r.seq
    FROM (SELECT conversation_id, sender_id, max(seq) AS seq FROM inserted GROUP BY conversation_id, sender_id) r
   WHERE cm.conversation_id = r.conversation_id AND cm.user_id = r.sender_id AND cm.last_read_seq < r.seq
)
${resultRows('ord')}`;

/** A row of `resultRows`. A message with neither kind of row was not written: its conversation does not exist (and then nothing was). */
type OutcomeRow = { ord: number | null; new_seq: number | null } & {
  [K in keyof Selectable<MessagesTable>]: Selectable<MessagesTable>[K] | null;
};

/**
 * Runs on the pool directly. SINGLE, the common case, is a named statement: each connection parses
 * and plans it once and then reuses the plan (sent unnamed, as Kysely sends every query, planning
 * was about half of PostgreSQL's CPU per message). Its look-ups are equalities on unique keys, so
 * that one plan fits any table size. BATCH stays unnamed, planned for each call: its joins' plan
 * depends on table sizes, and a reused plan made while `messages` was small scanned the whole
 * table for every batch from then on (a batch's planning is shared by its messages).
 */
export function postgresMessageAppend(pool: pg.Pool): PostgresMessageAppend {
  return async (batch) => {
    if (batch.length === 0) return [];
    const now = Date.now();
    // Only the first of each (sender, clientId) is sent; a repeat gets its result as a duplicate.
    const key = (message: NewMessage) => `${message.senderId}\n${message.clientId}`;
    const positionOf = new Map<string, number>();
    const rows: Selectable<MessagesTable>[] = [];
    const positions = batch.map((message) => {
      let position = positionOf.get(key(message));
      if (position === undefined) {
        position = rows.push(messageRow(message, 0, now)) - 1;
        positionOf.set(key(message), position);
        return { position, first: true };
      }
      return { position, first: false };
    });
    const single = rows.length === 1;
    const parameters = PARAMETER_COLUMNS.map((column) => (single ? rows[0]?.[column] : rows.map((row) => row[column])));
    let outcomes: OutcomeRow[];
    try {
      ({ rows: outcomes } = await pool.query<OutcomeRow>({
        ...(single ? { name: 'herald_append_single' } : {}),
        text: single ? SINGLE : BATCH,
        values: [...parameters, now],
      }));
    } catch (error) {
      // Another node stored one of these (sender, clientId) pairs after this statement's snapshot.
      // Any other violation (a duplicate seq above all) is a bug, not a race: it must surface.
      const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
      if (code === '23505' && constraint === 'messages_sender_client') return undefined;
      throw error;
    }
    const results = new Array<AppendResult | undefined>(rows.length);
    const positionById = new Map(rows.map((row, position) => [row.id, position]));
    for (const outcome of outcomes) {
      if (outcome.new_seq !== null) {
        const position = positionById.get(outcome.id ?? '') ?? -1;
        const row = rows[position];
        if (!row) throw new Error('postgresMessageAppend: inserted a message it was not given');
        row.seq = Number(outcome.new_seq);
        results[position] = { message: toMessage(row), duplicate: false };
      } else {
        results[Number(outcome.ord) - 1] = { message: toMessage(outcome as Selectable<MessagesTable>), duplicate: true };
      }
    }
    return positions.map(({ position, first }): AppendResult => {
      const result = results[position];
      if (!result) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
      return first ? result : { message: result.message, duplicate: true };
    });
  };
}
