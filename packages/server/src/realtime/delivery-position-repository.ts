/**
 * DeliveryPositionRepository: how far each member's devices have confirmed receiving each
 * conversation (`conversation_members.delivered_seq`, migration 0011_delivered).
 * Invariant: a member's delivered seq never moves backwards and never past the conversation's
 * last seq; the update's own WHERE keeps it monotonic under concurrent confirmations.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface DeliveredState {
  /** The stored delivered seq after the call. */
  deliveredSeq: number;
  /** Whether this call moved it forward (only then do members need telling). */
  moved: boolean;
}

export interface DeliveryPositionRepository {
  /** Move a member's delivered position forward to `seq`, clamped to the conversation's last seq. */
  markDelivered(conversationId: string, userId: string, seq: number): Promise<DeliveredState>;
}

/** DeliveryPositionRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyDeliveryPositionRepository implements DeliveryPositionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async markDelivered(conversationId: string, userId: string, seq: number): Promise<DeliveredState> {
    const conversation = await this.db.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirst();
    const target = Math.min(seq, Number(conversation?.last_seq ?? 0));
    const moved = await this.db
      .updateTable('conversation_members')
      .set({ delivered_seq: target })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .where('delivered_seq', '<', target)
      .returning('delivered_seq')
      .executeTakeFirst();
    if (moved) return { deliveredSeq: Number(moved.delivered_seq), moved: true };
    const row = await this.db
      .selectFrom('conversation_members')
      .select('delivered_seq')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return { deliveredSeq: Number(row?.delivered_seq ?? 0), moved: false };
  }
}
