/**
 * @herald/testkit: the one place for helpers that start real things for tests.
 */
export * from './api-client.js';
export * from './browser.js';
export * from './load-balancer.js';
export * from './media.js';
export * from './push-service.js';
export * from './redis-process.js';
export * from './repositories.js';
export * from './seeded-accounts.js';
export * from './server-process.js';
export * from './services.js';
export * from './tcp-proxy.js';
export * from './test-server.js';
export * from './test-socket.js';
