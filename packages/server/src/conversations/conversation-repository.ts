/**
 * ConversationRepository: conversations, their members and what a member sees of them (last
 * message, unread count), and who shares a conversation with whom (presence's contacts, and who may
 * add whom to a group).
 * Invariants: a direct conversation has a unique `directKey` (`lowId:highId`), so a pair of users
 * has one; adding a member twice changes nothing; each member's role is stored once. The list is
 * read a page at a time by keyset on (updated_at, id) from the member's own rows, so its cost never
 * depends on an expression built from the member's conversation ids. Capped writes (groups per owner
 * per window, members per group) check and write in one transaction: refused, nothing is written.
 */
import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationKind, Member } from '@herald/protocol';
import { type Kysely, PostgresAdapter, type Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ConversationPageKey } from './conversation-cursor.js';
import { conversationViews } from './conversation-views.js';

export interface NewConversation {
  kind: ConversationKind;
  title: string | null;
  ownerId: string | null;
  /** Set for direct conversations: `lowId:highId`. */
  directKey: string | null;
  memberIds: string[];
}

/** Caps a group creation is held to (both optional). */
export interface GroupCaps {
  /** At most `max` groups owned by the new group's owner created at or after `since` (ms), this one included. */
  recentGroups?: { since: number; max: number };
  /** At most this many members. */
  maxMembers?: number;
}

/** A capped write was refused and nothing was written. `oldestAt`: when the oldest group in the window was created. */
export class CapExceeded extends Error {
  constructor(
    readonly cap: 'groups_per_hour' | 'group_members',
    readonly oldestAt = 0,
  ) {
    super(`cap exceeded: ${cap}`);
  }
}

/** One page of a member's conversations, and the key after its last one (null when it is the last page). */
export interface ConversationPage {
  conversations: Conversation[];
  next: ConversationPageKey | null;
}

export interface ConversationRepository {
  /** Throws CapExceeded (nothing written) when a cap in `caps` would be passed. */
  createConversation(conversation: NewConversation, caps?: GroupCaps): Promise<string>;
  findConversationIdByDirectKey(directKey: string): Promise<string | undefined>;
  /** The conversation as `viewerId` sees it, or undefined when it does not exist. */
  getConversation(id: string, viewerId: string): Promise<Conversation | undefined>;
  /** Up to `limit` of the user's conversations after `after`, most recent activity (then id) first. */
  listConversations(userId: string, page: { after?: ConversationPageKey; limit: number }): Promise<ConversationPage>;
  listMembers(conversationId: string): Promise<Member[]>;
  /** A conversation's kind and owner, without its members; undefined when it does not exist. */
  header(conversationId: string): Promise<{ kind: 'direct' | 'group'; ownerId: string | null } | undefined>;
  memberIds(conversationId: string): Promise<string[]>;
  /**
   * Adds the users; returns those who were not members before (the ones actually added). Throws
   * CapExceeded (nobody added) when the group would then have more than `maxMembers`.
   */
  addMembers(conversationId: string, userIds: readonly string[], maxMembers?: number): Promise<string[]>;
  /** Those of `userIds` who wrote in the conversation (their unread counts differ from a newcomer's). */
  authorsAmong(conversationId: string, userIds: readonly string[]): Promise<string[]>;
  /** Sets a conversation's title; returns its owner, or undefined when it does not exist. */
  setTitle(conversationId: string, title: string): Promise<{ ownerId: string | null } | undefined>;
  /**
   * Removes the member; false when they were not one. When they owned the group, ownership passes in
   * the same transaction to the longest-standing remaining member (earliest `joined_at`, then lowest
   * id), or to nobody (`ownerId` null) when none remains; `newOwnerId` names that member.
   */
  removeMember(conversationId: string, userId: string): Promise<boolean>;
  /** Like `removeMember`, also telling who owns the group afterwards when ownership moved. */
  removeMemberPassingOwnership(conversationId: string, userId: string): Promise<{ removed: boolean; newOwnerId?: string | null }>;
  /**
   * Makes member `toUserId` the owner (the old owner's role becomes `member`); false when the group
   * does not exist or `toUserId` is not a member of it.
   */
  transferOwnership(conversationId: string, toUserId: string): Promise<boolean>;
  /** Users who share at least one conversation with `userId` (not including them). */
  contactIds(userId: string): Promise<string[]>;
  /** Ids of the conversations `userId` belongs to. */
  conversationIdsOf(userId: string): Promise<string[]>;
  /** Those of `userIds` who share at least one conversation with `userId`. */
  contactsAmong(userId: string, userIds: readonly string[]): Promise<string[]>;
}

/** ConversationRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyConversationRepository implements ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async header(conversationId: string): Promise<{ kind: 'direct' | 'group'; ownerId: string | null } | undefined> {
    const row = await this.db.selectFrom('conversations').select(['kind', 'owner_id']).where('id', '=', conversationId).executeTakeFirst();
    return row && { kind: row.kind, ownerId: row.owner_id };
  }

  async createConversation(conversation: NewConversation, caps: GroupCaps = {}): Promise<string> {
    const id = randomUUID();
    const now = Date.now();
    const memberIds = [...new Set(conversation.memberIds)];
    if (caps.maxMembers !== undefined && memberIds.length > caps.maxMembers) throw new CapExceeded('group_members');
    await this.db.transaction().execute(async (trx) => {
      const { recentGroups } = caps;
      if (recentGroups && conversation.ownerId !== null) {
        // Serialise one owner's creations so two at once cannot both see room for one more:
        // SQLite transactions already BEGIN IMMEDIATE; PostgreSQL locks the owner's user row.
        await lockRow(trx, 'users', conversation.ownerId);
        const recent = await trx
          .selectFrom('conversations')
          .select((eb) => [eb.fn.countAll().as('n'), eb.fn.min('created_at').as('oldest')])
          .where('owner_id', '=', conversation.ownerId)
          .where('kind', '=', 'group')
          .where('created_at', '>=', recentGroups.since)
          .executeTakeFirstOrThrow();
        if (Number(recent.n) >= recentGroups.max) throw new CapExceeded('groups_per_hour', Number(recent.oldest));
      }
      await trx
        .insertInto('conversations')
        .values({
          id,
          kind: conversation.kind,
          title: conversation.title,
          owner_id: conversation.ownerId,
          direct_key: conversation.directKey,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await trx
        .insertInto('conversation_members')
        .values(
          memberIds.map((userId) => ({
            conversation_id: id,
            user_id: userId,
            role: userId === conversation.ownerId ? ('owner' as const) : ('member' as const),
            joined_at: now,
          })),
        )
        .execute();
    });
    return id;
  }

  async findConversationIdByDirectKey(directKey: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('conversations').select('id').where('direct_key', '=', directKey).executeTakeFirst();
    return row?.id;
  }

  async getConversation(id: string, viewerId: string): Promise<Conversation | undefined> {
    const rows = await this.memberRows(viewerId).where('c.id', '=', id).execute();
    return (await conversationViews(this.db, viewerId, rows))[0];
  }

  async listConversations(userId: string, page: { after?: ConversationPageKey; limit: number }): Promise<ConversationPage> {
    const { after, limit } = page;
    let query = this.memberRows(userId);
    if (after) {
      query = query.where((eb) =>
        eb.or([eb('c.updated_at', '<', after.activityAt), eb.and([eb('c.updated_at', '=', after.activityAt), eb('c.id', '<', after.id)])]),
      );
    }
    // One more than asked tells whether another page follows.
    const rows = await query
      .orderBy('c.updated_at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(limit + 1)
      .execute();
    const pageRows = rows.slice(0, limit);
    const last = pageRows[pageRows.length - 1];
    return {
      conversations: await conversationViews(this.db, userId, pageRows),
      next: rows.length > limit && last ? { activityAt: Number(last.updated_at), id: last.id } : null,
    };
  }

  /** The conversations `userId` belongs to, from their own member rows (index `conversation_members_user`). */
  private memberRows(userId: string) {
    return this.db
      .selectFrom('conversation_members as me')
      .innerJoin('conversations as c', 'c.id', 'me.conversation_id')
      .select(['c.id', 'c.kind', 'c.title', 'c.owner_id', 'c.last_seq', 'c.created_at', 'c.updated_at', 'me.last_read_seq', 'me.muted'])
      .where('me.user_id', '=', userId);
  }

  async listMembers(conversationId: string): Promise<Member[]> {
    const rows = await this.db
      .selectFrom('conversation_members as cm')
      .innerJoin('users as u', 'u.id', 'cm.user_id')
      .select(['cm.user_id', 'cm.role', 'cm.last_read_seq', 'cm.delivered_seq', 'u.name', 'u.avatar'])
      .where('cm.conversation_id', '=', conversationId)
      .orderBy('cm.joined_at')
      .orderBy('cm.role', 'desc')
      .execute();
    return rows.map((m) => ({
      userId: m.user_id,
      name: m.name,
      avatar: m.avatar,
      role: m.role,
      lastReadSeq: Number(m.last_read_seq),
      deliveredSeq: Number(m.delivered_seq),
    }));
  }

  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('conversation_members').select('user_id').where('conversation_id', '=', conversationId).execute();
    return rows.map((r) => r.user_id);
  }

  async addMembers(conversationId: string, userIds: readonly string[], maxMembers?: number): Promise<string[]> {
    if (userIds.length === 0) return [];
    const now = Date.now();
    return this.db.transaction().execute(async (trx) => {
      // Two additions at once must not both fit under the cap: lock the conversation (SQLite: BEGIN IMMEDIATE).
      if (maxMembers !== undefined) await lockRow(trx, 'conversations', conversationId);
      // RETURNING names only the rows inserted (a conflict inserts nothing), on SQLite and PostgreSQL alike.
      const rows = await trx
        .insertInto('conversation_members')
        .values(
          [...new Set(userIds)].map((userId) => ({
            conversation_id: conversationId,
            user_id: userId,
            role: 'member' as const,
            joined_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
        .returning('user_id')
        .execute();
      if (maxMembers !== undefined && rows.length > 0) {
        const { n } = await trx
          .selectFrom('conversation_members')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('conversation_id', '=', conversationId)
          .executeTakeFirstOrThrow();
        // Thrown inside the transaction: it rolls back, so nobody is added.
        if (Number(n) > maxMembers) throw new CapExceeded('group_members');
      }
      return rows.map((r) => r.user_id);
    });
  }

  async authorsAmong(conversationId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('messages')
      .select('sender_id')
      .distinct()
      .where('conversation_id', '=', conversationId)
      .where('sender_id', 'in', [...userIds])
      .execute();
    return rows.map((r) => r.sender_id);
  }

  async setTitle(conversationId: string, title: string): Promise<{ ownerId: string | null } | undefined> {
    const row = await this.db
      .updateTable('conversations')
      .set({ title })
      .where('id', '=', conversationId)
      .returning('owner_id')
      .executeTakeFirst();
    return row && { ownerId: row.owner_id };
  }

  async removeMember(conversationId: string, userId: string): Promise<boolean> {
    return (await this.removeMemberPassingOwnership(conversationId, userId)).removed;
  }

  async removeMemberPassingOwnership(conversationId: string, userId: string): Promise<{ removed: boolean; newOwnerId?: string | null }> {
    return this.db.transaction().execute(async (trx) => {
      // Two owners leaving at once must not both pick the other as heir (SQLite: BEGIN IMMEDIATE).
      await lockRow(trx, 'conversations', conversationId);
      const result = await trx
        .deleteFrom('conversation_members')
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) return { removed: false };
      const conversation = await trx.selectFrom('conversations').select('owner_id').where('id', '=', conversationId).executeTakeFirst();
      if (conversation?.owner_id !== userId) return { removed: true };
      const heir = await trx
        .selectFrom('conversation_members')
        .select('user_id')
        .where('conversation_id', '=', conversationId)
        .orderBy('joined_at')
        .orderBy('user_id')
        .limit(1)
        .executeTakeFirst();
      const newOwnerId = heir?.user_id ?? null;
      await trx.updateTable('conversations').set({ owner_id: newOwnerId }).where('id', '=', conversationId).execute();
      if (newOwnerId !== null) {
        await trx
          .updateTable('conversation_members')
          .set({ role: 'owner' })
          .where('conversation_id', '=', conversationId)
          .where('user_id', '=', newOwnerId)
          .execute();
      }
      return { removed: true, newOwnerId };
    });
  }

  async transferOwnership(conversationId: string, toUserId: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await lockRow(trx, 'conversations', conversationId);
      const target = await trx
        .selectFrom('conversation_members')
        .select('user_id')
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', toUserId)
        .executeTakeFirst();
      if (!target) return false;
      await trx
        .updateTable('conversation_members')
        .set({ role: 'member' })
        .where('conversation_id', '=', conversationId)
        .where('role', '=', 'owner')
        .execute();
      await trx
        .updateTable('conversation_members')
        .set({ role: 'owner' })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', toUserId)
        .execute();
      await trx.updateTable('conversations').set({ owner_id: toUserId }).where('id', '=', conversationId).execute();
      return true;
    });
  }

  async contactIds(userId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('conversation_members')
      .select('user_id')
      .distinct()
      .where('conversation_id', 'in', this.db.selectFrom('conversation_members').select('conversation_id').where('user_id', '=', userId))
      .where('user_id', '<>', userId)
      .execute();
    return rows.map((r) => r.user_id);
  }
  async conversationIdsOf(userId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('conversation_members').select('conversation_id').where('user_id', '=', userId).execute();
    return rows.map((r) => r.conversation_id);
  }
  async contactsAmong(userId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('conversation_members as them')
      .innerJoin('conversation_members as me', (join) =>
        join.onRef('me.conversation_id', '=', 'them.conversation_id').on('me.user_id', '=', userId),
      )
      .select('them.user_id')
      .distinct()
      .where('them.user_id', 'in', [...new Set(userIds)])
      .execute();
    return rows.map((r) => r.user_id);
  }
}

/** Lock one row until the transaction ends (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers). */
async function lockRow(trx: Transaction<Database>, table: 'users' | 'conversations', id: string): Promise<void> {
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await trx.selectFrom(table).select('id').where('id', '=', id).forUpdate().execute();
}
