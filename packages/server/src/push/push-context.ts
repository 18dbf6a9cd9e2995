/**
 * PushContext: the few names a push notification shows — the sender's name, and the group's title
 * for a group — read in one query when a collapsed burst is sent (not per message).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface PushNames {
  kind: 'direct' | 'group';
  groupTitle: string | null;
  senderName: string | null;
}

export type PushContext = (conversationId: string, senderId: string) => Promise<PushNames | undefined>;

/** A PushContext reading the conversation and sender from the database. */
export function databasePushContext(db: Kysely<Database>): PushContext {
  return async (conversationId, senderId) => {
    const row = await db
      .selectFrom('conversations as c')
      .leftJoin('users as u', (join) => join.on('u.id', '=', senderId))
      .select(['c.kind', 'c.title', 'u.name'])
      .where('c.id', '=', conversationId)
      .executeTakeFirst();
    return row && { kind: row.kind, groupTitle: row.title, senderName: row.name };
  };
}
