/**
 * @herald/server public API: build a server from a config, or run pieces of it in tests.
 */
export { createHeraldServer, type HeraldServer, type HeraldServerOptions } from './app.js';
export { AccessTokens } from './auth/tokens.js';
export type { Bus, BusMessage } from './bus/bus.js';
export { MemoryBus } from './bus/memory-bus.js';
export { RedisBus } from './bus/redis-bus.js';
export { ConfigError, ENV_DOCS, type HeraldConfig, loadConfig } from './config.js';
export { LoggingOfflineNotifier, type OfflineItem, type OfflineNotifier } from './notifications/offline-notifier.js';
export { createRepositories, type Repositories } from './repositories.js';
export type { SearchCriteria, SearchPage, SearchRepository } from './search/search-repository.js';
export { searchRepositoryFor } from './search/search-repository-for.js';
export { SqliteSearchIndexer } from './search/sqlite-search-indexer.js';
export { type DatabaseHandle, type DatabaseOptions, openDatabase } from './store/database-handle.js';
export { migrateTo, migrateToLatest } from './store/migrations.js';
