/**
 * Builds the configured Store: PostgreSQL when a URL is given, else a SQLite file.
 * Runs migrations before returning, so a Store in hand always has the latest schema.
 */
import { Kysely, PostgresDialect } from 'kysely';
import { createKyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import { createPostgresPool, ensurePostgresSchema } from './postgres-dialect.js';
import { type PostgresMessageAppend, postgresMessageAppend } from './postgres-message-append.js';
import type { Database } from './schema.js';
import { openSqlite, type SqliteHandle } from './sqlite-dialect.js';
import type { Store } from './store.js';

export type StoreOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string | undefined; poolSize?: number | undefined };

/** Open the database, migrate it, and return the Store over it. `onProblem` hears of background trouble (logged, not fatal). */
export async function createStore(options: StoreOptions, onProblem?: (error: Error) => void): Promise<Store> {
  let db: Kysely<Database>;
  let afterClose: (() => Promise<void>) | undefined;
  let sqlite: SqliteHandle | undefined;
  let postgresAppend: PostgresMessageAppend | undefined;
  if (options.kind === 'postgres') {
    if (options.schema) await ensurePostgresSchema(options.url, options.schema);
    const pool = createPostgresPool(options.url, {
      ...(options.schema ? { schema: options.schema } : {}),
      ...(options.poolSize ? { poolSize: options.poolSize } : {}),
    });
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    postgresAppend = postgresMessageAppend(pool);
  } else {
    sqlite = openSqlite(options.file, onProblem);
    db = new Kysely<Database>({ dialect: sqlite.dialect });
    afterClose = sqlite.stopCheckpoints;
  }
  try {
    await migrateToLatest(db as Kysely<unknown>, options.kind === 'postgres' ? (options.schema ?? 'public') : undefined);
  } catch (error) {
    await db.destroy();
    await afterClose?.();
    throw error;
  }
  return createKyselyStore(db, options.kind, {
    ...(afterClose ? { afterClose } : {}),
    appendFast: sqlite ? sqlite.messageAppend() : postgresAppend,
  });
}
