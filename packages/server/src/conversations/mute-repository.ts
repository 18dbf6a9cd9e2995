/**
 * MuteRepository: a member's server-side mute of a conversation (the `muted` flag on their member
 * row), read by the push notifier and shown in the member's conversation list.
 * Invariants: only a member can be muted (setting it for a non-member changes nothing and says
 * so); muting twice changes nothing.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface MuteRepository {
  /** Set the member's mute; false when `userId` is not a member of the conversation. */
  setMuted(conversationId: string, userId: string, muted: boolean): Promise<boolean>;
  /** Those of `userIds` who muted the conversation. */
  mutedAmong(conversationId: string, userIds: readonly string[]): Promise<string[]>;
}

/** MuteRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyMuteRepository implements MuteRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async setMuted(conversationId: string, userId: string, muted: boolean): Promise<boolean> {
    const result = await this.db
      .updateTable('conversation_members')
      .set({ muted: muted ? 1 : 0 })
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async mutedAmong(conversationId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('conversation_members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', 'in', [...new Set(userIds)])
      .where('muted', '=', 1)
      .execute();
    return rows.map((r) => r.user_id);
  }
}
