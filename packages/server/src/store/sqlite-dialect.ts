/**
 * SQLite dialect for the embedded default: one better-sqlite3 connection, WAL, foreign keys on.
 * WAL lets readers run while a write transaction is open; busy_timeout covers a second process.
 * Checkpoints run on a worker thread (WalCheckpointer), not inside a COMMIT on the event loop.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Driver, type SqliteDatabase, SqliteDialect } from 'kysely';
import { type SqliteMessageAppend, sqliteMessageAppend } from './sqlite-message-append.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export interface SqliteHandle {
  dialect: SqliteDialect;
  /** The message write path on this connection (prepared after migrations: the tables must exist). */
  messageAppend(): SqliteMessageAppend;
  /** Stops the checkpoint worker; call before or after Kysely's `destroy()`. */
  stopCheckpoints(): Promise<void>;
}

/** Open (creating directories as needed) a SQLite file, with checkpoints on a worker thread. */
export function openSqlite(file: string, onProblem?: (error: Error) => void): SqliteHandle {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const checkpointer = file === ':memory:' ? undefined : new WalCheckpointer({ database, ...(onProblem ? { onFailed: onProblem } : {}) });
  return {
    dialect: new ImmediateSqliteDialect({ database: withStatementCache(database) }),
    messageAppend: () => sqliteMessageAppend(database),
    stopCheckpoints: () => checkpointer?.stop() ?? Promise.resolve(),
  };
}

/**
 * Kysely's SQLite transactions start with a plain (deferred) BEGIN. Every Kysely transaction of
 * Herald's writes, and a deferred one that reads first cannot take the write lock if another
 * connection wrote meanwhile (SQLITE_BUSY at once, busy_timeout or not). BEGIN IMMEDIATE takes the
 * write lock up front, so a second connection on the file waits for it instead.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  override createDriver(): Driver {
    const driver = super.createDriver();
    driver.beginTransaction = async (connection: DatabaseConnection) => {
      await connection.executeQuery(CompiledQuery.raw('begin immediate'));
    };
    return driver;
  }
}

const STATEMENT_CACHE_LIMIT = 500;

/**
 * Kysely's SQLite driver prepares every query it runs; preparing costs more than running most of
 * ours. Herald's queries are a small fixed set, so keep their prepared statements by SQL text.
 */
function withStatementCache(database: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}
