/**
 * DatabaseHandle: one open, migrated database (a SQLite file or a PostgreSQL pool) that every
 * feature's repository is built on. It holds what is shared between them: the Kysely instance,
 * the dialect's fast message write path, and the connection's lifetime.
 * Invariant: a handle in hand always has the latest schema (migrations run before it is returned).
 */
import { Kysely, sql } from 'kysely';
import type { MessageAppend } from './message-append.js';
import { migrateToLatest } from './migrations.js';
import { PinnedPostgresDialect } from './pinned-schema-introspector.js';
import { createPostgresPool, ensurePostgresSchema } from './postgres-dialect.js';
import { postgresMessageAppend } from './postgres-message-append.js';
import type { Database } from './schema.js';
import { openSqlite } from './sqlite-dialect.js';

export type DatabaseOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string | undefined; poolSize?: number | undefined };

export interface DatabaseHandle {
  /** Which dialect backs this database, for health output and logs. */
  readonly dialect: 'sqlite' | 'postgres';
  readonly db: Kysely<Database>;
  /** This dialect's fast message write path (repositories fall back to Kysely's when it declines). */
  readonly fastMessageAppend: MessageAppend;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Open the database, migrate it, and return its handle. `onProblem` hears of background trouble (logged, not fatal). */
export async function openDatabase(options: DatabaseOptions, onProblem?: (error: Error) => void): Promise<DatabaseHandle> {
  let db: Kysely<Database>;
  let afterClose: () => Promise<void> = async () => {};
  let fast: () => MessageAppend;
  if (options.kind === 'postgres') {
    if (options.schema) await ensurePostgresSchema(options.url, options.schema);
    const pool = createPostgresPool(options.url, {
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.poolSize ? { poolSize: options.poolSize } : {}),
    });
    db = new Kysely<Database>({ dialect: new PinnedPostgresDialect({ pool }, options.schema ?? 'public') });
    fast = () => postgresMessageAppend(pool);
  } else {
    const sqlite = openSqlite(options.file, onProblem);
    db = new Kysely<Database>({ dialect: sqlite.dialect });
    afterClose = sqlite.stopCheckpoints;
    fast = sqlite.messageAppend;
  }
  try {
    await migrateToLatest(db as Kysely<unknown>, options.kind === 'postgres' ? (options.schema ?? 'public') : undefined);
  } catch (error) {
    await db.destroy();
    await afterClose();
    throw error;
  }
  return {
    dialect: options.kind,
    db,
    // Prepared after migrations: the tables must exist.
    fastMessageAppend: fast(),
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
      await afterClose();
    },
  };
}
