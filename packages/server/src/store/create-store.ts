/**
 * Builds the configured Store: PostgreSQL when a URL is given, else a SQLite file.
 * Runs migrations before returning, so a Store in hand always has the latest schema.
 */
import { Kysely } from 'kysely';
import { createKyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import { createPostgresDialect, ensurePostgresSchema } from './postgres-dialect.js';
import type { Database } from './schema.js';
import { createSqliteDialect } from './sqlite-dialect.js';
import type { Store } from './store.js';

export type StoreOptions =
  | { kind: 'sqlite'; file: string }
  | { kind: 'postgres'; url: string; schema?: string | undefined; poolSize?: number | undefined };

/** Open the database, migrate it, and return the Store over it. */
export async function createStore(options: StoreOptions): Promise<Store> {
  let db: Kysely<Database>;
  if (options.kind === 'postgres') {
    if (options.schema) await ensurePostgresSchema(options.url, options.schema);
    db = new Kysely<Database>({
      dialect: createPostgresDialect(options.url, {
        ...(options.schema ? { schema: options.schema } : {}),
        ...(options.poolSize ? { poolSize: options.poolSize } : {}),
      }),
    });
  } else {
    db = new Kysely<Database>({ dialect: createSqliteDialect(options.file) });
  }
  try {
    await migrateToLatest(db as Kysely<unknown>, options.kind === 'postgres' ? (options.schema ?? 'public') : undefined);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return createKyselyStore(db, options.kind);
}
