/**
 * ConversationRepository: conversations, their members and what a member sees of them (last
 * message, unread count), and who shares a conversation with whom (presence's contacts).
 * Invariants: a direct conversation has a unique `directKey` (`lowId:highId`), so a pair of users
 * has one; adding a member twice changes nothing; each member's role is stored once.
 */
import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationKind, Member } from '@herald/protocol';
import type { Kysely } from 'kysely';
import { toMessage } from '../store/message-rows.js';
import type { Database } from '../store/schema.js';

export interface NewConversation {
  kind: ConversationKind;
  title: string | null;
  ownerId: string | null;
  /** Set for direct conversations: `lowId:highId`. */
  directKey: string | null;
  memberIds: string[];
}

export interface ConversationRepository {
  createConversation(conversation: NewConversation): Promise<string>;
  findConversationIdByDirectKey(directKey: string): Promise<string | undefined>;
  /** The conversation as `viewerId` sees it, or undefined when it does not exist. */
  getConversation(id: string, viewerId: string): Promise<Conversation | undefined>;
  listConversations(userId: string): Promise<Conversation[]>;
  listMembers(conversationId: string): Promise<Member[]>;
  memberIds(conversationId: string): Promise<string[]>;
  /** Adds the users; returns those who were not members before (the ones actually added). */
  addMembers(conversationId: string, userIds: readonly string[]): Promise<string[]>;
  /** Those of `userIds` who wrote in the conversation (their unread counts differ from a newcomer's). */
  authorsAmong(conversationId: string, userIds: readonly string[]): Promise<string[]>;
  /** Sets a conversation's title; returns its owner, or undefined when it does not exist. */
  setTitle(conversationId: string, title: string): Promise<{ ownerId: string | null } | undefined>;
  removeMember(conversationId: string, userId: string): Promise<boolean>;
  /** Users who share at least one conversation with `userId` (not including them). */
  contactIds(userId: string): Promise<string[]>;
}

/** ConversationRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyConversationRepository implements ConversationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createConversation(conversation: NewConversation): Promise<string> {
    const id = randomUUID();
    const now = Date.now();
    await this.db.transaction().execute(async (trx) => {
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
          [...new Set(conversation.memberIds)].map((userId) => ({
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
    const [conversation] = await this.conversationsFor(viewerId, id);
    return conversation;
  }

  listConversations(userId: string): Promise<Conversation[]> {
    return this.conversationsFor(userId);
  }

  /** Conversations of `userId` (or one of them), with members, last message and the viewer's unread count. */
  private async conversationsFor(userId: string, onlyId?: string): Promise<Conversation[]> {
    let query = this.db
      .selectFrom('conversations as c')
      .innerJoin('conversation_members as me', (join) => join.onRef('me.conversation_id', '=', 'c.id').on('me.user_id', '=', userId))
      .selectAll('c')
      .select('me.last_read_seq')
      .select((eb) =>
        eb
          .selectFrom('messages as m')
          .select((e) => e.fn.countAll().as('n'))
          .whereRef('m.conversation_id', '=', 'c.id')
          .whereRef('m.seq', '>', 'me.last_read_seq')
          .where('m.sender_id', '<>', userId)
          .as('unread'),
      )
      .orderBy('c.updated_at', 'desc');
    if (onlyId !== undefined) query = query.where('c.id', '=', onlyId);
    const rows = await query.execute();
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const withMessages = rows.filter((r) => Number(r.last_seq) > 0);
    const [members, lastMessages] = await Promise.all([
      this.db
        .selectFrom('conversation_members as cm')
        .innerJoin('users as u', 'u.id', 'cm.user_id')
        .select(['cm.conversation_id', 'cm.user_id', 'cm.role', 'cm.last_read_seq', 'u.name', 'u.avatar'])
        .where('cm.conversation_id', 'in', ids)
        .orderBy('cm.joined_at')
        .orderBy('cm.role', 'desc')
        .execute(),
      withMessages.length === 0
        ? Promise.resolve([])
        : this.db
            .selectFrom('messages')
            .selectAll()
            .where((eb) => eb.or(withMessages.map((r) => eb.and([eb('conversation_id', '=', r.id), eb('seq', '=', r.last_seq)]))))
            .execute(),
    ]);
    const membersBy = new Map<string, Member[]>();
    for (const m of members) {
      const list = membersBy.get(m.conversation_id) ?? [];
      list.push({ userId: m.user_id, name: m.name, avatar: m.avatar, role: m.role, lastReadSeq: Number(m.last_read_seq) });
      membersBy.set(m.conversation_id, list);
    }
    const lastBy = new Map(lastMessages.map((m) => [m.conversation_id, toMessage(m)]));
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      ownerId: r.owner_id,
      lastSeq: Number(r.last_seq),
      createdAt: Number(r.created_at),
      members: membersBy.get(r.id) ?? [],
      lastMessage: lastBy.get(r.id) ?? null,
      unreadCount: Number(r.unread ?? 0),
    }));
  }

  async listMembers(conversationId: string): Promise<Member[]> {
    const rows = await this.db
      .selectFrom('conversation_members as cm')
      .innerJoin('users as u', 'u.id', 'cm.user_id')
      .select(['cm.user_id', 'cm.role', 'cm.last_read_seq', 'u.name', 'u.avatar'])
      .where('cm.conversation_id', '=', conversationId)
      .orderBy('cm.joined_at')
      .orderBy('cm.role', 'desc')
      .execute();
    return rows.map((m) => ({ userId: m.user_id, name: m.name, avatar: m.avatar, role: m.role, lastReadSeq: Number(m.last_read_seq) }));
  }

  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('conversation_members').select('user_id').where('conversation_id', '=', conversationId).execute();
    return rows.map((r) => r.user_id);
  }

  async addMembers(conversationId: string, userIds: readonly string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const now = Date.now();
    // RETURNING names only the rows inserted (a conflict inserts nothing), on SQLite and PostgreSQL alike.
    const rows = await this.db
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
    return rows.map((r) => r.user_id);
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
    const result = await this.db
      .deleteFrom('conversation_members')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
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
}
