/**
 * Picks the SearchRepository of a database's dialect (each sits on that dialect's index, migration 0009).
 */
import type { DatabaseHandle } from '../store/database-handle.js';
import { PostgresSearchRepository } from './postgres-search-repository.js';
import type { SearchRepository } from './search-repository.js';
import { SqliteSearchRepository } from './sqlite-search-repository.js';

export function searchRepositoryFor(database: Pick<DatabaseHandle, 'dialect' | 'db'>, window?: number): SearchRepository {
  return database.dialect === 'postgres'
    ? new PostgresSearchRepository(database.db, window)
    : new SqliteSearchRepository(database.db, window);
}
