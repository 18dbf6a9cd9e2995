/**
 * MessageRepository: appending messages and reading them back (by id, and history pages).
 * Appends go through the dialect's fast path when there is one, and through KyselyMessageAppend
 * when it declines (or when none is given: the contract suite runs both ways on each dialect).
 * Invariants: those of MessageAppend (store/message-append.ts); history pages are oldest-first;
 * retention (`pruneOlderThan`) removes only a prefix of a conversation's seqs (never a hole in
 * the middle), moves `conversations.first_seq` past it before deleting it, and deletes in batches
 * of separate statements, so no write lock is held for long.
 */
import type { Message } from '@herald/protocol';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { KyselyMessageAppend } from '../store/kysely-message-append.js';
import type { AppendResult, MessageAppend, NewMessage } from '../store/message-append.js';
import { toMessage } from '../store/message-rows.js';
import type { Database } from '../store/schema.js';

export type { AppendResult, NewMessage } from '../store/message-append.js';

export interface HistoryQuery {
  /** Exclusive upper bound: the newest `limit` messages with seq < before. */
  before?: number | undefined;
  /** Exclusive lower bound: the oldest `limit` messages with seq > after (with `before` too). Neither bound: the latest page. */
  after?: number | undefined;
  limit: number;
}

export interface MessageRepository {
  appendMessage(message: NewMessage): Promise<AppendResult>;
  /**
   * Append several messages in one transaction, keeping their order: within a conversation they get
   * consecutive seqs in array order. A repeated `(senderId, clientId)`, stored or earlier in the batch,
   * yields the original with `duplicate: true`. All or nothing: if it throws, none was stored.
   */
  appendMessages(messages: readonly NewMessage[]): Promise<AppendResult[]>;
  findMessage(id: string): Promise<Message | undefined>;
  /** The messages with these ids that exist (any order). */
  findMessages(ids: readonly string[]): Promise<Message[]>;
  /** The conversation's last seq (of a message or a change; 0 for none or an unknown conversation). */
  lastSeq(conversationId: string): Promise<number>;
  history(conversationId: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }>;
  /** The oldest seq the conversation still keeps (1 until retention pruned some; 1 for an unknown conversation). */
  firstSeq(conversationId: string): Promise<number>;
  /** Up to `limit` conversation ids after `afterId` (ascending): the retention sweep's walk. */
  conversationIdsAfter(afterId: string, limit: number): Promise<string[]>;
  /**
   * Delete the conversation's messages older than `before` (ms epoch) that come before its first
   * message at or after `before`, `batch` rows per statement; resolves with the new first seq and
   * how many rows this call deleted.
   */
  pruneOlderThan(conversationId: string, before: number, batch: number): Promise<{ firstSeq: number; deleted: number }>;
}

/** MessageRepository on Kysely, with an optional per-dialect fast path for appends. */
export class KyselyMessageRepository implements MessageRepository {
  private readonly kysely: KyselyMessageAppend;

  constructor(
    private readonly db: Kysely<Database>,
    /** Tried first; `undefined` from it (or no fast path) means Kysely's write. */
    private readonly fast?: MessageAppend | undefined,
  ) {
    this.kysely = new KyselyMessageAppend(db);
  }

  async appendMessage(message: NewMessage): Promise<AppendResult> {
    const fast = await this.fast?.([message]);
    return fast?.[0] ?? this.kysely.one(message);
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return [];
    return (await this.fast?.(batch)) ?? this.kysely.batch(batch);
  }

  async findMessage(id: string): Promise<Message | undefined> {
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toMessage(row);
  }

  async findMessages(ids: readonly string[]): Promise<Message[]> {
    if (ids.length === 0) return [];
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('id', 'in', [...ids])
      .execute();
    return rows.map(toMessage);
  }

  async lastSeq(conversationId: string): Promise<number> {
    const row = await this.db.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirst();
    return row ? Number(row.last_seq) : 0;
  }

  async firstSeq(conversationId: string): Promise<number> {
    const row = await this.db.selectFrom('conversations').select('first_seq').where('id', '=', conversationId).executeTakeFirst();
    return row ? Number(row.first_seq) : 1;
  }

  async conversationIdsAfter(afterId: string, limit: number): Promise<string[]> {
    const rows = await this.db.selectFrom('conversations').select('id').where('id', '>', afterId).orderBy('id').limit(limit).execute();
    return rows.map((r) => r.id);
  }

  async pruneOlderThan(conversationId: string, before: number, batch: number): Promise<{ firstSeq: number; deleted: number }> {
    const conversation = await this.db
      .selectFrom('conversations')
      .select(['first_seq', 'last_seq'])
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!conversation) return { firstSeq: 1, deleted: 0 };
    // The first kept seq: the oldest message not older than `before` (walks the seq index from the
    // oldest, so it reads about as many rows as it will delete), or past the end when all are old.
    const firstNew = await this.db
      .selectFrom('messages')
      .select('seq')
      .where('conversation_id', '=', conversationId)
      .where('created_at', '>=', before)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    const keepFrom = Math.max(Number(firstNew?.seq ?? Number(conversation.last_seq) + 1), Number(conversation.first_seq));
    // Move the boundary first: a reader told "first seq N" may still find older rows, never a hole.
    if (keepFrom > Number(conversation.first_seq)) {
      await this.db
        .updateTable('conversations')
        .set({ first_seq: keepFrom })
        .where('id', '=', conversationId)
        .where('first_seq', '<', keepFrom)
        .execute();
    }
    const deleted = await this.pruneTable('messages', conversationId, keepFrom, batch, async (oldest) => {
      await this.db.deleteFrom('message_reactions').where('message_id', 'in', oldest).execute();
    });
    // The changes below the boundary go too (edits, deletions and reactions of pruned messages).
    await this.pruneTable('message_events', conversationId, keepFrom, batch);
    return { firstSeq: keepFrom, deleted };
  }

  /**
   * Delete a conversation's rows of `table` with seq < `keepFrom`, oldest first, `batch` per
   * statement (after `before` runs on the same batch), yielding between batches; returns how many.
   */
  private async pruneTable(
    table: 'messages' | 'message_events',
    conversationId: string,
    keepFrom: number,
    batch: number,
    before?: (oldest: SelectQueryBuilder<Database, typeof table, { id: string }>) => Promise<void>,
  ): Promise<number> {
    let deleted = 0;
    for (;;) {
      const oldest = this.db
        .selectFrom(table)
        .select('id')
        .where('conversation_id', '=', conversationId)
        .where('seq', '<', keepFrom)
        .orderBy('seq')
        .limit(batch);
      await before?.(oldest);
      const result = await this.db.deleteFrom(table).where('id', 'in', oldest).executeTakeFirst();
      const n = Number(result.numDeletedRows);
      deleted += n;
      if (n < batch) return deleted;
      // Let other work (and other writers) in between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async history(conversationId: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
    let q = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    // From `after` upwards when it is given (also with `before`: a stretch read oldest first).
    const ascending = query.after !== undefined;
    if (query.before !== undefined) q = q.where('seq', '<', query.before);
    if (query.after !== undefined) q = q.where('seq', '>', query.after);
    const rows = await q
      .orderBy('seq', ascending ? 'asc' : 'desc')
      .limit(query.limit + 1)
      .execute();
    const hasMore = rows.length > query.limit;
    const page = rows.slice(0, query.limit).map(toMessage);
    // Pages are always oldest-first, whichever direction was asked.
    return { messages: ascending ? page : page.reverse(), hasMore };
  }
}
