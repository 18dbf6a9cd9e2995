/**
 * The SQL conditions every search query shares, on `messages m`: the searcher is a member of the
 * message's conversation now (read in the same statement, so a removal is seen at once), the
 * message is not deleted, and the request's filters. Both dialects use the same SQL here.
 */
import { type RawBuilder, sql } from 'kysely';
import type { SearchCriteria } from './search-repository.js';

export function searchScope(criteria: SearchCriteria): RawBuilder<unknown>[] {
  const conditions: RawBuilder<unknown>[] = [
    sql`m.conversation_id in (select cm.conversation_id from conversation_members cm where cm.user_id = ${criteria.userId})`,
    sql`m.deleted_at is null`,
  ];
  if (criteria.conversationId !== undefined) conditions.push(sql`m.conversation_id = ${criteria.conversationId}`);
  if (criteria.senderId !== undefined) conditions.push(sql`m.sender_id = ${criteria.senderId}`);
  if (criteria.from !== undefined) conditions.push(sql`m.created_at >= ${criteria.from}`);
  if (criteria.to !== undefined) conditions.push(sql`m.created_at < ${criteria.to}`);
  return conditions;
}

/** `conditions` joined with `and` (true when there are none). */
export function allOf(conditions: readonly RawBuilder<unknown>[]): RawBuilder<unknown> {
  return conditions.length === 0 ? sql`1 = 1` : sql.join(conditions, sql` and `);
}
