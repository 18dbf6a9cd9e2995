/**
 * Databases for repository tests: every backend Herald runs on (a real SQLite file, real PostgreSQL
 * in a schema of its own), so each contract suite loops over them as Kysely's tests loop over
 * dialects. And openRepositories, every feature's repository on one fresh database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRepositories, type DatabaseHandle, type DatabaseOptions, openDatabase, type Repositories } from '@herald/server';
import { dropPostgresSchema, PG_URL, postgresAvailable, uniqueSchemaName } from './services.js';

export interface OpenRepositories extends Repositories {
  database: DatabaseHandle;
  close(): Promise<void>;
}

/** Every feature's repository on a migrated database; `close()` closes the database. */
export async function openRepositories(options: DatabaseOptions): Promise<OpenRepositories> {
  const database = await openDatabase(options);
  return { ...createRepositories(database), database, close: () => database.close() };
}

export interface TestDatabase {
  database: DatabaseHandle;
  /** A second handle on the same database, as a second node would open it. */
  another(): Promise<DatabaseHandle>;
  /** Drop what the database left behind (close every handle first). */
  cleanup(): Promise<void>;
}

export interface DatabaseBackend {
  name: 'sqlite' | 'postgres';
  /** False when the service is down on a developer machine (a loud warning was printed; CI fails instead). */
  enabled: boolean;
  open(): Promise<TestDatabase>;
}

/** SQLite and PostgreSQL, each opening a fresh database per `open()`. */
export async function databaseBackends(): Promise<DatabaseBackend[]> {
  const hasPostgres = await postgresAvailable();
  return [
    {
      name: 'sqlite',
      enabled: true,
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'herald-db-'));
        const another = () => openDatabase({ kind: 'sqlite', file: join(dir, 'herald.db') });
        return { database: await another(), another, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    },
    {
      name: 'postgres',
      enabled: hasPostgres,
      async open() {
        const schema = uniqueSchemaName();
        const another = () => openDatabase({ kind: 'postgres', url: PG_URL, schema });
        return { database: await another(), another, cleanup: () => dropPostgresSchema(PG_URL, schema) };
      },
    },
  ];
}
