/**
 * @herald/server public API: build a server from a config, or run pieces of it in tests.
 */
export { createHeraldServer, type HeraldServer, type HeraldServerOptions } from './app.js';
export type { Bus, BusMessage } from './bus/bus.js';
export { MemoryBus } from './bus/memory-bus.js';
export { RedisBus } from './bus/redis-bus.js';
export { ConfigError, ENV_DOCS, type HeraldConfig, loadConfig } from './config.js';
export { LoggingOfflineNotifier, type OfflineItem, type OfflineNotifier } from './notifications/offline-notifier.js';
export { createRepositories, type Repositories } from './repositories.js';
export { type DatabaseHandle, type DatabaseOptions, openDatabase } from './store/database-handle.js';
