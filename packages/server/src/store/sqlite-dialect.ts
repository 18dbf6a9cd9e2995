/**
 * SQLite dialect for the embedded default: one better-sqlite3 connection, WAL, foreign keys on.
 * WAL lets readers run while a write transaction is open; busy_timeout covers a second process.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { SqliteDialect } from 'kysely';

/** Open (creating directories as needed) a SQLite file and return its Kysely dialect. */
export function createSqliteDialect(file: string): SqliteDialect {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new SqliteDialect({ database });
}
