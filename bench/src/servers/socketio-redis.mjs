/**
 * The Redis adapter a clustered Socket.IO peer runs on: `@socket.io/redis-adapter` over two
 * ioredis connections (publish, subscribe). ioredis is resolved as @herald/server resolves it, so
 * both systems talk to Redis through the same client library.
 * Invariant: resolves only once both connections are ready, so a node never reports itself
 * listening while its emits would stay local.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { createAdapter } from '@socket.io/redis-adapter';

const serverPackage = fileURLToPath(new URL('../../../packages/server/package.json', import.meta.url));
/** @type {typeof import('ioredis').Redis} */
const Redis = createRequire(serverPackage)('ioredis').Redis;

/** The adapter factory for `io.adapter(...)`, connected to `url`. @param {string} url */
export async function redisAdapterFrom(url) {
  const pub = new Redis(url, { lazyConnect: true });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  return createAdapter(pub, sub);
}
