/**
 * MessageRepository: appending messages and reading them back (by id, and history pages).
 * Appends go through the dialect's fast path when there is one, and through KyselyMessageAppend
 * when it declines (or when none is given: the contract suite runs both ways on each dialect).
 * Invariants: those of MessageAppend (store/message-append.ts); history pages are oldest-first.
 */
import type { Message } from '@herald/protocol';
import type { Kysely } from 'kysely';
import { KyselyMessageAppend } from '../store/kysely-message-append.js';
import type { AppendResult, MessageAppend, NewMessage } from '../store/message-append.js';
import { toMessage } from '../store/message-rows.js';
import type { Database } from '../store/schema.js';

export type { AppendResult, NewMessage } from '../store/message-append.js';

export interface HistoryQuery {
  /** Exclusive upper bound: the newest `limit` messages with seq < before. */
  before?: number | undefined;
  /** Exclusive lower bound: the oldest `limit` messages with seq > after. Neither bound: the latest page. */
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
  history(conversationId: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }>;
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

  async history(conversationId: string, query: HistoryQuery): Promise<{ messages: Message[]; hasMore: boolean }> {
    let q = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId);
    const ascending = query.after !== undefined && query.before === undefined;
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
