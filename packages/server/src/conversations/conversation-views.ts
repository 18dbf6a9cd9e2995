/**
 * conversationViews: what one viewer sees of a few conversations already chosen (a page of the
 * list, or one conversation) — members, last message, the viewer's unread count.
 * Invariant: every query here is bounded by the rows handed in (at most a page, CONVERSATION_PAGE_MAX
 * + 1), never by how many conversations the viewer belongs to; the last messages are found by a join
 * on each conversation's highest message seq (an index probe each), never by an OR list over
 * (id, seq) pairs, whose expression tree grows with the page and once made SQLite refuse the whole
 * list ("Expression tree is too large").
 */
import type { Conversation, ConversationKind, Member } from '@herald/protocol';
import type { Kysely } from 'kysely';
import { toMessage } from '../store/message-rows.js';
import type { Database } from '../store/schema.js';

/** A conversation row as the list and `get` select it, with the viewer's read position. */
export interface ConversationRow {
  id: string;
  kind: ConversationKind;
  title: string | null;
  owner_id: string | null;
  last_seq: number | string;
  created_at: number | string;
  updated_at: number | string;
  last_read_seq: number | string;
  /** The viewer's mute (0/1; migration 0010_push_and_mute). */
  muted: number | string;
}

/** `rows` (in their order) as `viewerId` sees them. */
export async function conversationViews(db: Kysely<Database>, viewerId: string, rows: readonly ConversationRow[]): Promise<Conversation[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [members, lastMessages, unread] = await Promise.all([
    db
      .selectFrom('conversation_members as cm')
      .innerJoin('users as u', 'u.id', 'cm.user_id')
      .select(['cm.conversation_id', 'cm.user_id', 'cm.role', 'cm.last_read_seq', 'cm.delivered_seq', 'u.name', 'u.avatar'])
      .where('cm.conversation_id', 'in', ids)
      .orderBy('cm.joined_at')
      .orderBy('cm.role', 'desc')
      .execute(),
    // The newest message, not `last_seq` (an edit or a reaction takes a seq too): one index probe
    // per conversation for its highest message seq.
    db
      .selectFrom('messages as m')
      .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
      .selectAll('m')
      .where('c.id', 'in', ids)
      .whereRef('m.seq', '=', (eb) =>
        eb
          .selectFrom('messages as m2')
          .select((e) => e.fn.max('m2.seq').as('s'))
          .whereRef('m2.conversation_id', '=', 'c.id'),
      )
      .execute(),
    db
      .selectFrom('messages as m')
      .innerJoin('conversation_members as me', (join) =>
        join.onRef('me.conversation_id', '=', 'm.conversation_id').on('me.user_id', '=', viewerId),
      )
      .select(['m.conversation_id', (eb) => eb.fn.countAll().as('n')])
      .where('m.conversation_id', 'in', ids)
      .whereRef('m.seq', '>', 'me.last_read_seq')
      .where('m.sender_id', '<>', viewerId)
      .where('m.deleted_at', 'is', null)
      .groupBy('m.conversation_id')
      .execute(),
  ]);
  const membersBy = new Map<string, Member[]>();
  for (const m of members) {
    const list = membersBy.get(m.conversation_id) ?? [];
    list.push({
      userId: m.user_id,
      name: m.name,
      avatar: m.avatar,
      role: m.role,
      lastReadSeq: Number(m.last_read_seq),
      deliveredSeq: Number(m.delivered_seq),
    });
    membersBy.set(m.conversation_id, list);
  }
  const lastBy = new Map(lastMessages.map((m) => [m.conversation_id, toMessage(m)]));
  const unreadBy = new Map(unread.map((u) => [u.conversation_id, Number(u.n)]));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    ownerId: r.owner_id,
    lastSeq: Number(r.last_seq),
    createdAt: Number(r.created_at),
    members: membersBy.get(r.id) ?? [],
    lastMessage: lastBy.get(r.id) ?? null,
    unreadCount: unreadBy.get(r.id) ?? 0,
    muted: Number(r.muted) === 1,
  }));
}
