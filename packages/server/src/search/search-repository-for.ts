/**
 * Picks the SearchRepository of a database's dialect (each sits on that dialect's index, migration
 * 0009; SQLite's is filled in batches, `indexing` tunes that, migration 0013).
 */
import type { DatabaseHandle } from '../store/database-handle.js';
import { PostgresSearchRepository } from './postgres-search-repository.js';
import type { SearchRepository } from './search-repository.js';
import type { SqliteSearchIndexerOptions } from './sqlite-search-indexer.js';
import { SqliteSearchRepository } from './sqlite-search-repository.js';

export function searchRepositoryFor(
  database: Pick<DatabaseHandle, 'dialect' | 'db'>,
  window?: number,
  indexing?: SqliteSearchIndexerOptions,
): SearchRepository {
  return database.dialect === 'postgres'
    ? new PostgresSearchRepository(database.db, window)
    : new SqliteSearchRepository(database.db, window, indexing);
}
