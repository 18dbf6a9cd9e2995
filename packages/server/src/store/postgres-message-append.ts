/**
 * PostgreSQL's message write path: one round trip per batch, in one of two named statements (each
 * pooled connection plans them once): SINGLE, one message as a data-modifying CTE in autocommit;
 * a batch as a call of `herald_append_messages` (postgres-append-function.ts, migration 0004).
 * Why these shapes and what the alternatives cost: docs/performance.md, "Tuning so far".
 * Invariants (those of MessageAppend, kept by both statements):
 * - seq = last_seq + 1, + 2, ... in batch order per conversation, from the UPDATE of
 *   `conversations.last_seq` in the statement that inserts the rows; its row lock serialises
 *   writers on every node, and READ COMMITTED re-reads the row after waiting: no duplicate, no gap.
 * - batches are sent sorted by conversation id (stable) and lock each conversation at its first
 *   message, the order the Kysely path locks in too: two batches cannot deadlock.
 * - a (sender_id, client_id) already stored, or earlier in the batch, takes no seq and comes back
 *   as the original with `duplicate: true`; the sender's `last_read_seq` rises to their last seq.
 * - a missing conversation fails the batch whole (NotFound). A concurrent store of the same
 *   (sender_id, client_id) by another node fails the statement whole on the unique index
 *   (`messages_sender_client`): this returns `undefined` and the caller takes the Kysely path,
 *   which reads the original. Every other error is thrown.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { Selectable } from 'kysely';
import type pg from 'pg';
import type { AppendResult, NewMessage } from './message-append.js';
import { messageRow, needsFullWrite, toMessage } from './message-rows.js';
import { CONVERSATION_MISSING } from './postgres-append-function.js';
import type { MessagesTable } from './schema.js';

export type PostgresMessageAppend = (batch: readonly NewMessage[]) => Promise<AppendResult[] | undefined>;

/** The text columns both statements take as $1..$9, in this order. */
const PARAMETER_COLUMNS = ['id', 'conversation_id', 'sender_id', 'client_id', 'type', 'text', 'reply_to', 'attachment', 'file_id'] as const;

const MESSAGE_COLUMNS = 'id, conversation_id, seq, sender_id, client_id, type, text, reply_to, attachment, file_id, created_at';

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
SELECT 1 AS ord, false AS duplicate, NULL AS id, NULL AS conversation_id, last_seq AS seq, NULL AS sender_id, NULL AS client_id,
       NULL AS type, NULL AS text, NULL AS reply_to, NULL AS attachment, NULL AS file_id, NULL::bigint AS created_at
  FROM bumped
UNION ALL
SELECT 1, true, ${MESSAGE_COLUMNS} FROM stored`;

/** Several messages, distinct (sender, clientId), sorted by conversation id: one array per text column, then created_at. */
const BATCH = 'SELECT * FROM herald_append_messages($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)';

/** A row of either statement: per message sent, at its 1-based position `ord`; a stored original carries its columns. */
type OutcomeRow = { ord: number; duplicate: boolean } & {
  [K in keyof Selectable<MessagesTable>]: Selectable<MessagesTable>[K] | null;
};

/** Runs on the pool directly (see the header for why both statements are named). */
export function postgresMessageAppend(pool: pg.Pool): PostgresMessageAppend {
  return async (batch) => {
    if (batch.length === 0) return [];
    // Mentions are rare and take columns these statements do not write: the Kysely path writes them.
    if (batch.some(needsFullWrite)) return undefined;
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
    // Sent in conversation order (see the header: lock order); the sort is stable, so each
    // conversation keeps its messages in batch order.
    const sent = single
      ? ONLY_ONE
      : rows.map((_, position) => position).sort((a, b) => byteOrder(rows[a]?.conversation_id ?? '', rows[b]?.conversation_id ?? ''));
    const parameters = PARAMETER_COLUMNS.map((column) => (single ? rows[0]?.[column] : sent.map((position) => rows[position]?.[column])));
    let outcomes: OutcomeRow[];
    try {
      ({ rows: outcomes } = await pool.query<OutcomeRow>({
        name: single ? 'herald_append_single' : 'herald_append_batch',
        text: single ? SINGLE : BATCH,
        values: [...parameters, now],
      }));
    } catch (error) {
      const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
      // Another node stored one of these (sender, clientId) pairs after this statement's snapshot.
      // Any other violation (a duplicate seq above all) is a bug, not a race: it must surface.
      if (code === '23505' && constraint === 'messages_sender_client') return undefined;
      if (code === CONVERSATION_MISSING) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
      throw error;
    }
    const results = new Array<AppendResult | undefined>(rows.length);
    for (const outcome of outcomes) {
      const position = sent[outcome.ord - 1] ?? -1;
      const row = rows[position];
      if (!row) throw new Error(`postgresMessageAppend: a result for message ${outcome.ord}, of ${rows.length} sent`);
      if (outcome.duplicate) {
        results[position] = { message: toMessage(outcome as Selectable<MessagesTable>), duplicate: true };
      } else {
        row.seq = Number(outcome.seq);
        results[position] = { message: toMessage(row), duplicate: false };
      }
    }
    return positions.map(({ position, first }): AppendResult => {
      // Only SINGLE gets here without a row for a message: its conversation does not exist.
      const result = results[position];
      if (!result) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
      return first ? result : { message: result.message, duplicate: true };
    });
  };
}

/** `sent` for one message: the one write that takes most of the traffic allocates no order. */
const ONLY_ONE: readonly number[] = [0];

/** The order of PostgreSQL's COLLATE "C" and of JS's default sort, for the ASCII ids Herald makes. */
const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
