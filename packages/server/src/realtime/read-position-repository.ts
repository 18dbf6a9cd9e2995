/**
 * ReadPositionRepository: how far each member has read each conversation, and what is left unread.
 * Invariant: a member's `lastReadSeq` never moves backwards and never past the conversation's last
 * seq; unread counts never include the member's own messages.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface ReadState {
  lastReadSeq: number;
  unreadCount: number;
}

export interface ReadPositionRepository {
  /** Move a member's read position forward (never back, never past the last seq). */
  markRead(conversationId: string, userId: string, seq: number): Promise<ReadState>;
}

/** ReadPositionRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyReadPositionRepository implements ReadPositionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async markRead(conversationId: string, userId: string, seq: number): Promise<ReadState> {
    const conversation = await this.db.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirst();
    const target = Math.min(seq, Number(conversation?.last_seq ?? 0));
    await this.db
      .updateTable('conversation_members')
      .set({ last_read_seq: target })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('last_read_seq', '<', target)
      .execute();
    const row = await this.db
      .selectFrom('conversation_members as me')
      .select('me.last_read_seq')
      .select((eb) =>
        eb
          .selectFrom('messages as m')
          .select((e) => e.fn.countAll().as('n'))
          .whereRef('m.conversation_id', '=', 'me.conversation_id')
          .whereRef('m.seq', '>', 'me.last_read_seq')
          .where('m.sender_id', '<>', userId)
          .where('m.deleted_at', 'is', null)
          .as('unread'),
      )
      .where('me.conversation_id', '=', conversationId)
      .where('me.user_id', '=', userId)
      .executeTakeFirst();
    return { lastReadSeq: Number(row?.last_read_seq ?? 0), unreadCount: Number(row?.unread ?? 0) };
  }
}
