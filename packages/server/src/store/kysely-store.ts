/**
 * The one Store implementation: Kysely queries that run unchanged on SQLite and PostgreSQL.
 * Dialect-specific code lives only in *-dialect.ts and, for message writes, sqlite-message-append.ts
 * and postgres-message-append.ts (passed in as `appendFast`; the Kysely path here is their fallback);
 * nothing here branches on the dialect except the unique-violation test, whose error shape differs
 * per driver.
 */
import { randomUUID } from 'node:crypto';
import { type Conversation, ErrorCode, HeraldError, type Member, type Message, type User } from '@herald/protocol';
import { type Kysely, type Selectable, sql } from 'kysely';
import { featureQueries } from './feature-queries.js';
import type { FeatureRecords } from './feature-records.js';
import { messageRow, toMessage } from './message-rows.js';
import { preparedQuery } from './prepared-query.js';
import type { Database, MessagesTable, UsersTable } from './schema.js';
import type { AppendResult, HistoryQuery, NewConversation, NewMessage, NewUser, RefreshTokenRecord, Store, UserRecord } from './store.js';

function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    avatar: row.avatar,
    createdAt: Number(row.created_at),
    passwordHash: row.password_hash,
  };
}

function publicUser({ passwordHash: _hidden, ...user }: UserRecord): User {
  return user;
}

/** True for a UNIQUE violation on either driver (pg: SQLSTATE 23505; better-sqlite3: SQLITE_CONSTRAINT_UNIQUE). */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

export interface KyselyStoreOptions {
  /** Releases what the dialect holds besides Kysely's connection (SQLite's checkpoint worker). */
  afterClose?: () => Promise<void>;
  /** A faster write path for messages (see sqlite-message-append.ts, postgres-message-append.ts); `undefined` result = use Kysely's. */
  appendFast?: MessageAppend | undefined;
}

/** Writes a batch whole, or declines with `undefined` (synchronous on SQLite, a promise on PostgreSQL). */
export type MessageAppend = (batch: readonly NewMessage[]) => AppendResult[] | undefined | Promise<AppendResult[] | undefined>;

/** The whole Store over one Kysely instance: core queries here, feature queries mixed in. */
export function createKyselyStore(db: Kysely<Database>, dialect: 'sqlite' | 'postgres', options: KyselyStoreOptions = {}): Store {
  return Object.assign(new KyselyCoreStore(db, dialect, options), featureQueries(db));
}

/** The four statements every message runs, compiled once (see prepared-query.ts). */
function messageStatements(db: Kysely<Database>) {
  return {
    findByClientId: preparedQuery(2, (senderId: string, clientId: string) =>
      db.selectFrom('messages').selectAll().where('sender_id', '=', senderId).where('client_id', '=', clientId),
    ),
    nextSeq: preparedQuery(2, (conversationId: string, now: number) =>
      db
        .updateTable('conversations')
        .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: now }))
        .where('id', '=', conversationId)
        .returning('last_seq'),
    ),
    insert: preparedQuery(
      11,
      (
        id: string,
        conversationId: string,
        seq: number,
        senderId: string,
        clientId: string,
        type: string,
        text: string,
        replyTo: string | null,
        attachment: string | null,
        fileId: string | null,
        createdAt: number,
      ) =>
        db.insertInto('messages').values({
          id,
          conversation_id: conversationId,
          seq,
          sender_id: senderId,
          client_id: clientId,
          type,
          text,
          reply_to: replyTo,
          attachment,
          file_id: fileId,
          created_at: createdAt,
        }),
    ),
    readOwn: preparedQuery(3, (conversationId: string, userId: string, seq: number) =>
      db
        .updateTable('conversation_members')
        .set({ last_read_seq: seq })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('last_read_seq', '<', seq),
    ),
  };
}

class KyselyCoreStore implements Omit<Store, keyof FeatureRecords> {
  private readonly statements: ReturnType<typeof messageStatements>;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    private readonly options: KyselyStoreOptions,
  ) {
    this.statements = messageStatements(db);
  }

  async createUser(user: NewUser): Promise<UserRecord> {
    const row = {
      id: randomUUID(),
      email: user.email,
      name: user.name,
      password_hash: user.passwordHash,
      role: user.role,
      avatar: null,
      created_at: Date.now(),
    };
    await this.db.insertInto('users').values(row).execute();
    return toUser(row);
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toUser(row);
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async findUsersByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
    return rows.map((r) => publicUser(toUser(r)));
  }

  async searchUsers(query: string, limit: number): Promise<User[]> {
    const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', sql<string>`${pattern} escape '\\'`),
          eb(eb.fn('lower', ['email']), 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      )
      .orderBy('name')
      .limit(limit)
      .execute();
    return rows.map((r) => publicUser(toUser(r)));
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setUserRole(id: string, role: string): Promise<User | undefined> {
    await this.db.updateTable('users').set({ role }).where('id', '=', id).execute();
    const user = await this.findUserById(id);
    return user && publicUser(user);
  }

  async insertRefreshToken(token: { id: string; userId: string; tokenHash: string; expiresAt: number }): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        id: token.id,
        user_id: token.userId,
        token_hash: token.tokenHash,
        expires_at: token.expiresAt,
        revoked_at: null,
        created_at: Date.now(),
      })
      .execute();
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return (
      row && {
        id: row.id,
        userId: row.user_id,
        expiresAt: Number(row.expires_at),
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      }
    );
  }

  async revokeRefreshToken(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revokeUserRefreshTokens(userId: string): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: Date.now() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }

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

  async addMembers(conversationId: string, userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const now = Date.now();
    await this.db
      .insertInto('conversation_members')
      .values(userIds.map((userId) => ({ conversation_id: conversationId, user_id: userId, role: 'member' as const, joined_at: now })))
      .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
      .execute();
  }

  async removeMember(conversationId: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('conversation_members')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async appendMessage(message: NewMessage): Promise<AppendResult> {
    const fast = await this.options.appendFast?.([message]);
    if (fast?.[0]) return fast[0];
    try {
      const s = this.statements;
      return await this.db.transaction().execute(async (trx) => {
        const [existing] = (await s.findByClientId(trx, message.senderId, message.clientId)).rows;
        if (existing) return { message: toMessage(existing), duplicate: true };
        const now = Date.now();
        // The row lock taken by this UPDATE serialises concurrent writers per conversation (PostgreSQL);
        // SQLite serialises all writers. Either way seq = last_seq + 1 commits with the insert or not at all.
        const [updated] = (await s.nextSeq(trx, message.conversationId, now)).rows;
        if (!updated) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
        const last_seq = updated.last_seq;
        const row = messageRow(message, Number(last_seq), now);
        await s.insert(
          trx,
          row.id,
          row.conversation_id,
          row.seq,
          row.sender_id,
          row.client_id,
          row.type,
          row.text,
          row.reply_to,
          row.attachment,
          row.file_id,
          row.created_at,
        );
        // Your own message is read by you: keeps unread counts right on your other devices.
        await s.readOwn(trx, message.conversationId, message.senderId, row.seq);
        return { message: toMessage(row), duplicate: false };
      });
    } catch (error) {
      // A concurrent append with the same (sender, clientId) won the race: return its message.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('sender_id', '=', message.senderId)
        .where('client_id', '=', message.clientId)
        .executeTakeFirst();
      if (!existing) throw error;
      return { message: toMessage(existing), duplicate: true };
    }
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return [];
    const fast = await this.options.appendFast?.(batch);
    if (fast) return fast;
    return this.db.transaction().execute(async (trx) => {
      const key = (senderId: string, clientId: string) => `${senderId}\n${clientId}`;
      const stored = await trx
        .selectFrom('messages')
        .selectAll()
        .where('sender_id', 'in', [...new Set(batch.map((m) => m.senderId))])
        .where('client_id', 'in', [...new Set(batch.map((m) => m.clientId))])
        .execute();
      const known = new Map<string, Message>(stored.map((row) => [key(row.sender_id, row.client_id), toMessage(row)]));
      const firstIndex = new Map<string, number>();
      const counts = new Map<string, number>();
      for (const [index, message] of batch.entries()) {
        const k = key(message.senderId, message.clientId);
        if (known.has(k) || firstIndex.has(k)) continue;
        firstIndex.set(k, index);
        counts.set(message.conversationId, (counts.get(message.conversationId) ?? 0) + 1);
      }
      const now = Date.now();
      const nextSeq = new Map<string, number>();
      // Lock conversations in id order so two nodes' batches can never deadlock on each other.
      for (const conversationId of [...counts.keys()].sort()) {
        const count = counts.get(conversationId) ?? 0;
        const { last_seq } = await trx
          .updateTable('conversations')
          .set((eb) => ({ last_seq: eb('last_seq', '+', count), updated_at: now }))
          .where('id', '=', conversationId)
          .returning('last_seq')
          .executeTakeFirstOrThrow();
        nextSeq.set(conversationId, Number(last_seq) - count + 1);
      }
      const rows: Selectable<MessagesTable>[] = [];
      const created = new Map<number, Message>();
      const readUpTo = new Map<string, { conversationId: string; userId: string; seq: number }>();
      for (const [index, message] of batch.entries()) {
        if (firstIndex.get(key(message.senderId, message.clientId)) !== index) continue;
        const seq = nextSeq.get(message.conversationId) ?? 0;
        nextSeq.set(message.conversationId, seq + 1);
        const row = messageRow(message, seq, now);
        rows.push(row);
        created.set(index, toMessage(row));
        readUpTo.set(`${message.conversationId}\n${message.senderId}`, {
          conversationId: message.conversationId,
          userId: message.senderId,
          seq,
        });
      }
      for (let i = 0; i < rows.length; i += 100)
        await trx
          .insertInto('messages')
          .values(rows.slice(i, i + 100))
          .execute();
      // Your own message is read by you: keeps unread counts right on your other devices.
      for (const { conversationId, userId, seq } of readUpTo.values()) {
        await trx
          .updateTable('conversation_members')
          .set({ last_read_seq: seq })
          .where('conversation_id', '=', conversationId)
          .where('user_id', '=', userId)
          .where('last_read_seq', '<', seq)
          .execute();
      }
      return batch.map((message, index): AppendResult => {
        const mine = created.get(index);
        if (mine) return { message: mine, duplicate: false };
        const k = key(message.senderId, message.clientId);
        const original = known.get(k) ?? created.get(firstIndex.get(k) ?? -1);
        if (!original) throw new Error('appendMessages: lost track of a message');
        return { message: original, duplicate: true };
      });
    });
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

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.options.afterClose?.();
  }
}
