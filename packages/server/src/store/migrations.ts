/**
 * Versioned schema migrations, run at start by Kysely's Migrator.
 * Invariant: a migration, once released, never changes; add a new one instead.
 * Only portable column types are used so one list serves SQLite and PostgreSQL; objects only one
 * dialect has (the batch message write, 0004; the search indexes, 0009) are made per dialect.
 */
import { type Kysely, type Migration, type MigrationProvider, Migrator, PostgresAdapter, sql } from 'kysely';
import { APPEND_MESSAGES_FUNCTION_V1, DROP_APPEND_MESSAGES_FUNCTION } from './postgres-append-function.js';

const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('email', 'text', (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('avatar', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('refresh_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('refresh_tokens_user').on('refresh_tokens').column('user_id').execute();
      await db.schema
        .createTable('conversations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('title', 'text')
        .addColumn('owner_id', 'text', (c) => c.references('users.id').onDelete('set null'))
        .addColumn('direct_key', 'text', (c) => c.unique())
        .addColumn('last_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('conversation_members')
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('last_read_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('joined_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('conversation_members_pk', ['conversation_id', 'user_id'])
        .execute();
      await db.schema.createIndex('conversation_members_user').on('conversation_members').column('user_id').execute();
      await db.schema
        .createTable('messages')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('sender_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('reply_to', 'text')
        .addColumn('attachment', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('messages_conversation_seq', ['conversation_id', 'seq'])
        .addUniqueConstraint('messages_sender_client', ['sender_id', 'client_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['messages', 'conversation_members', 'conversations', 'refresh_tokens', 'users']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  },
  '0002_features': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('messages').addColumn('file_id', 'text').execute();
      await db.schema.createIndex('messages_file').on('messages').column('file_id').execute();
      await db.schema
        .createTable('notifications')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('level', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('audience_kind', 'text', (c) => c.notNull())
        .addColumn('audience_value', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('notifications_created').on('notifications').column('created_at').execute();
      await db.schema
        .createTable('notification_reads')
        .addColumn('notification_id', 'text', (c) => c.notNull().references('notifications.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('read_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('notification_reads_pk', ['notification_id', 'user_id'])
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('key_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .execute();
      await db.schema
        .createTable('files')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('uploader_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('mime_type', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('width', 'integer')
        .addColumn('height', 'integer')
        .addColumn('storage_key', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('error_reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text')
        .addColumn('message', 'text', (c) => c.notNull())
        .addColumn('stack', 'text')
        .addColumn('component_stack', 'text')
        .addColumn('url', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('error_reports_created').on('error_reports').column('created_at').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['error_reports', 'files', 'api_keys', 'notification_reads', 'notifications']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
    },
  },
  '0003_messages_file_partial': {
    // Most messages carry no file: indexing their NULLs cost every message write an index page
    // (one of about seven a message changes) for lookups that only ever ask for a file id.
    async up(db: Kysely<unknown>) {
      await db.schema.dropIndex('messages_file').execute();
      await db.schema.createIndex('messages_file').on('messages').column('file_id').where(sql.ref('file_id'), 'is not', null).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('messages_file').execute();
      await db.schema.createIndex('messages_file').on('messages').column('file_id').execute();
    },
  },
  '0004_postgres_append_messages': {
    // A batch of message writes as one function call: its statements are planned once per
    // connection, where one CTE over the whole batch had to be planned at every call.
    async up(db: Kysely<unknown>) {
      if (isPostgres(db)) await sql.raw(APPEND_MESSAGES_FUNCTION_V1).execute(db);
    },
    async down(db: Kysely<unknown>) {
      if (isPostgres(db)) await sql.raw(DROP_APPEND_MESSAGES_FUNCTION).execute(db);
    },
  },
  '0005_sessions_and_access': {
    // Issue 19: sessions you can end (access tokens name their session), disabled accounts,
    // scoped and expiring API keys, an audit log, and blocks between users.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('device_name', 'text')
        .addColumn('user_agent', 'text')
        .addColumn('ip', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_used_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_reason', 'text')
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      // Refresh tokens issued before sessions existed have no session and are refused (sign in again).
      await db.schema.alterTable('refresh_tokens').addColumn('session_id', 'text').execute();
      await db.schema.createIndex('refresh_tokens_session').on('refresh_tokens').column('session_id').execute();
      await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute();
      await db.schema
        .alterTable('api_keys')
        .addColumn('scopes', 'text', (c) => c.notNull().defaultTo('[]'))
        .execute();
      await db.schema.alterTable('api_keys').addColumn('conversation_ids', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('sender_ids', 'text').execute();
      await db.schema.alterTable('api_keys').addColumn('expires_at', 'bigint').execute();
      await db.schema
        .createTable('audit_log')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor_kind', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text')
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
      await db.schema
        .createTable('user_blocks')
        .addColumn('blocker_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('blocked_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_blocks_pk', ['blocker_id', 'blocked_id'])
        .execute();
      await db.schema.createIndex('user_blocks_blocked').on('user_blocks').column('blocked_id').execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['user_blocks', 'audit_log', 'sessions']) {
        await sql`drop table if exists ${sql.table(table)}`.execute(db);
      }
      await db.schema.dropIndex('refresh_tokens_session').execute();
      await db.schema.alterTable('refresh_tokens').dropColumn('session_id').execute();
      await db.schema.alterTable('users').dropColumn('disabled_at').execute();
      for (const column of ['scopes', 'conversation_ids', 'sender_ids', 'expires_at']) {
        await db.schema.alterTable('api_keys').dropColumn(column).execute();
      }
    },
  },
  '0006_storage_retention': {
    // Issue 22: per-user upload quotas (sum of a user's files), the unattached-upload sweep (files
    // by age), and message retention (the oldest seq a conversation still keeps).
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('files_uploader').on('files').column('uploader_id').execute();
      await db.schema.createIndex('files_created').on('files').column('created_at').execute();
      await db.schema
        .alterTable('conversations')
        .addColumn('first_seq', 'bigint', (c) => c.notNull().defaultTo(1))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('conversations').dropColumn('first_seq').execute();
      await db.schema.dropIndex('files_created').execute();
      await db.schema.dropIndex('files_uploader').execute();
    },
  },
  '0007_group_caps': {
    // Issue 22: groups created per owner per hour are counted on every group creation.
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('conversations_owner_created').on('conversations').columns(['owner_id', 'created_at']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('conversations_owner_created').execute();
    },
  },
  '0008_message_changes': {
    // Issue 23: edits, deletions and reactions. A change is a row of `message_events` that takes the
    // conversation's next seq (the same counter as messages), so the stream stays one gapless
    // sequence; the message row holds the current state, `message_reactions` who reacted with what.
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('messages').addColumn('edited_at', 'bigint').execute();
      await db.schema.alterTable('messages').addColumn('deleted_at', 'bigint').execute();
      await db.schema.alterTable('messages').addColumn('revision', 'bigint').execute();
      await db.schema.alterTable('messages').addColumn('mentions', 'text').execute();
      await db.schema.alterTable('messages').addColumn('group_mention', 'text').execute();
      await db.schema
        .createTable('message_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
        .addColumn('seq', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('message_id', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('text', 'text')
        .addColumn('mentions', 'text')
        .addColumn('group_mention', 'text')
        .addColumn('emoji', 'text')
        .addColumn('added', 'integer')
        .addColumn('reaction', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('message_events_seq').on('message_events').columns(['conversation_id', 'seq']).unique().execute();
      await db.schema.createIndex('message_events_client').on('message_events').columns(['user_id', 'client_id']).unique().execute();
      await db.schema.createIndex('message_events_message').on('message_events').column('message_id').execute();
      await db.schema
        .createTable('message_reactions')
        .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
        .addColumn('emoji', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('message_reactions_pk', ['message_id', 'emoji', 'user_id'])
        .execute();
      await db.schema.createIndex('message_reactions_user').on('message_reactions').columns(['message_id', 'user_id']).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('message_reactions').execute();
      await db.schema.dropTable('message_events').execute();
      for (const column of ['group_mention', 'mentions', 'revision', 'deleted_at', 'edited_at']) {
        await db.schema.alterTable('messages').dropColumn(column).execute();
      }
    },
  },
  '0009_message_search': {
    // Issue 23: full-text search (search/). SQLite: an FTS5 trigram index over messages.text, kept
    // by triggers, so every write path (the fast append's plain INSERT, edits' UPDATE, deletions'
    // text = '', retention's DELETE) keeps it current. PostgreSQL: a GIN trigram index (pg_trgm).
    // Both are filled from the messages already there.
    async up(db: Kysely<unknown>) {
      if (isPostgres(db)) {
        // One pg_trgm per database, wherever it was put first; concurrent first creations (tests'
        // schemas migrating at once) wait for each other instead of one failing.
        await sql`select pg_advisory_xact_lock(2309)`.execute(db);
        await sql`create extension if not exists pg_trgm with schema public`.execute(db);
        const { rows } = await sql<{ schema: string }>`
          select n.nspname as schema from pg_extension e join pg_namespace n on n.oid = e.extnamespace
          where e.extname = 'pg_trgm'`.execute(db);
        const schema = rows[0]?.schema ?? 'public';
        await sql`create index messages_text_trgm on messages using gin (text ${sql.id(schema, 'gin_trgm_ops')})`.execute(db);
        return;
      }
      await sql`create virtual table message_search using fts5(
        text, content = 'messages', content_rowid = 'rowid', tokenize = 'trigram case_sensitive 0')`.execute(db);
      await createSearchTriggers(db, 'every row');
      await sql`insert into message_search (message_search) values ('rebuild')`.execute(db);
    },
    async down(db: Kysely<unknown>) {
      if (isPostgres(db)) {
        // pg_trgm stays: other schemas of this database may use it.
        await sql`drop index if exists messages_text_trgm`.execute(db);
        return;
      }
      await dropSearchTriggers(db);
      await sql`drop table if exists message_search`.execute(db);
    },
  },
  // Web Push (push/): one row per device subscription, upserted by its endpoint; and a member's
  // server-side mute (push honours it; every device of the member sees it). Flags are 0/1 integers
  // (better-sqlite3 binds no booleans).
  '0010_push_and_mute': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('push_subscriptions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('endpoint', 'text', (c) => c.notNull().unique())
        .addColumn('p256dh', 'text', (c) => c.notNull())
        .addColumn('auth', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('preview', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('push_subscriptions_user').on('push_subscriptions').column('user_id').execute();
      await db.schema
        .alterTable('conversation_members')
        .addColumn('muted', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('conversation_members').dropColumn('muted').execute();
      await db.schema.dropTable('push_subscriptions').execute();
    },
  },
  // The furthest seq a member's devices confirmed receiving (realtime/delivery-position-repository.ts).
  '0011_delivered': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('conversation_members')
        .addColumn('delivered_seq', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('conversation_members').dropColumn('delivered_seq').execute();
    },
  },
  // Avatars are uploaded files (users/profile-service.ts): the upload sweep and file reads ask
  // "is this file someone's avatar?", which this index answers without scanning users.
  '0012_profiles': {
    async up(db: Kysely<unknown>) {
      await db.schema.createIndex('users_avatar').on('users').column('avatar').execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropIndex('users_avatar').execute();
    },
  },
  // SQLite's search index is filled in batches after the commit (search/sqlite-search-indexer.ts),
  // not by a trigger inside every message's write: an FTS5 insert of one row costs ~75 µs, of a
  // batch of 20 ~10 µs a row. `search_index_position.indexed_rowid` is the mark: rows at or below it
  // are in the index, and the triggers keep exactly those current (an edit or delete of a row not
  // yet indexed needs nothing; a new row landing at or below the mark, a reused rowid, is indexed
  // at once). Every row there now was indexed by 0009's trigger. PostgreSQL: nothing (GIN).
  '0013_deferred_search_index': {
    async up(db: Kysely<unknown>) {
      if (isPostgres(db)) return;
      await sql`create table search_index_position (id integer primary key check (id = 1), indexed_rowid integer not null)`.execute(db);
      await sql`insert into search_index_position (id, indexed_rowid) select 1, coalesce(max(rowid), 0) from messages`.execute(db);
      await dropSearchTriggers(db);
      await createSearchTriggers(db, 'indexed rows');
    },
    async down(db: Kysely<unknown>) {
      if (isPostgres(db)) return;
      // Back to 0009: index whatever is still pending, then index every write again.
      await sql`insert into message_search (rowid, text) select rowid, text from messages
        where rowid > (select indexed_rowid from search_index_position)`.execute(db);
      await dropSearchTriggers(db);
      await sql`drop table search_index_position`.execute(db);
      await createSearchTriggers(db, 'every row');
    },
  },
};

const isPostgres = (db: Kysely<unknown>) => db.getExecutor().adapter instanceof PostgresAdapter;

const SEARCH_TRIGGERS = ['message_search_update', 'message_search_delete', 'message_search_insert'];

async function dropSearchTriggers(db: Kysely<unknown>): Promise<void> {
  for (const trigger of SEARCH_TRIGGERS) await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
}

/**
 * The triggers that keep SQLite's FTS5 table `message_search` in step with `messages`: for every
 * row (migration 0009), or only for rows at or below the indexer's mark (0013; the rows above it are
 * indexed later, with their text at that moment).
 */
async function createSearchTriggers(db: Kysely<unknown>, rows: 'every row' | 'indexed rows'): Promise<void> {
  const when = (row: 'new' | 'old') =>
    rows === 'every row' ? sql`` : sql`when ${sql.raw(row)}.rowid <= (select indexed_rowid from search_index_position)`;
  await sql`create trigger message_search_insert after insert on messages ${when('new')} begin
    insert into message_search (rowid, text) values (new.rowid, new.text);
  end`.execute(db);
  await sql`create trigger message_search_delete after delete on messages ${when('old')} begin
    insert into message_search (message_search, rowid, text) values ('delete', old.rowid, old.text);
  end`.execute(db);
  await sql`create trigger message_search_update after update of text on messages ${when('old')} begin
    insert into message_search (message_search, rowid, text) values ('delete', old.rowid, old.text);
    insert into message_search (rowid, text) values (new.rowid, new.text);
  end`.execute(db);
}

const provider: MigrationProvider = { getMigrations: async () => migrations };

/**
 * Bring the database to the latest schema; throws with the failing migration's error.
 * `schema` pins the migration bookkeeping tables to one PostgreSQL schema: without it Kysely may
 * find another schema's tables through the catalog and skip creating its own.
 */
export async function migrateToLatest(db: Kysely<unknown>, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/**
 * Bring the database to exactly `target` (up or down): for tests of a migration over data written
 * before it, and benchmarks that fill tables before their indexes are built.
 */
export async function migrateTo(db: Kysely<unknown>, target: string, schema?: string): Promise<string[]> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateTo(target);
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
