/**
 * The servers of one soak: `sqlite` (one Herald process on a SQLite file) or `cluster` (two Herald
 * processes on a fresh PostgreSQL schema and a dedicated redis-server on an ephemeral port). Both
 * run the built server (`packages/server/dist/main.js`) with NODE_ENV=production, as `npm start`.
 * Invariants: each node keeps its port across restarts (its clients' proxies point at it); the
 * shared Redis on 6379 is never used; `close()` kills every process and drops the schema and the
 * data directory, whatever state the soak left them in.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPgUrl, dropSchema, postgresReachable } from '../targets/herald.mjs';
import { freePort, heraldNode, redisNode } from './processes.mjs';

/**
 * @typedef {object} Backend
 * @property {'sqlite' | 'cluster'} name
 * @property {import('./processes.mjs').Killable[]} nodes
 * @property {import('./processes.mjs').Killable | undefined} redis
 * @property {() => Promise<void>} close
 */

/** Why `cluster` cannot run here, or undefined when it can. @returns {Promise<string | undefined>} */
export async function clusterUnavailable() {
  const bin = process.env.HERALD_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';
  if (!existsSync(bin)) return `no redis-server binary at ${bin} (set HERALD_TEST_REDIS_SERVER)`;
  if (!(await postgresReachable(benchPgUrl()))) return `PostgreSQL at ${benchPgUrl()} does not answer (set HERALD_BENCH_PG_URL)`;
  return undefined;
}

/** @param {'sqlite' | 'cluster'} name @param {string} repoRoot @returns {Promise<Backend>} */
export async function startBackend(name, repoRoot) {
  const main = join(repoRoot, 'packages/server/dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build:packages\` first (\`npm run chaos\` does)`);
  const dataDir = mkdtempSync(join(tmpdir(), `herald-chaos-${name}-`));
  const base = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    HERALD_JWT_SECRET: randomBytes(32).toString('hex'),
    // Renewal is not what this soak is about; a token outlives any soak.
    HERALD_ACCESS_TOKEN_TTL: '86400',
    // Registration of every soak user comes from one loopback address.
    HERALD_LOGIN_RATE_LIMIT: '1000000',
    HERALD_LOGIN_GLOBAL_PER_MINUTE: '1000000',
    // Every soak socket comes from one loopback address too.
    HERALD_IP_PENDING_SOCKETS: '1000000',
    HERALD_IP_HANDSHAKES_PER_MINUTE: '1000000',
    // Soak users are strangers put into groups by one owner.
    HERALD_GROUP_ADD: 'anyone',
    HERALD_GROUPS_PER_HOUR: '1000000',
  };
  /** @type {import('./processes.mjs').Killable[]} */
  const nodes = [];
  /** @type {import('./processes.mjs').Killable | undefined} */
  let redis;
  const schema = name === 'cluster' ? `herald_chaos_${process.pid}_${Date.now().toString(36)}` : undefined;
  const close = async () => {
    for (const node of nodes) await node.kill();
    await redis?.kill();
    rmSync(dataDir, { recursive: true, force: true });
    if (schema) await dropSchema(benchPgUrl(), schema).catch(() => undefined);
  };
  try {
    if (name === 'sqlite') {
      nodes.push(
        heraldNode({
          label: 'herald',
          main,
          cwd: repoRoot,
          port: await freePort(),
          env: { ...base, HERALD_DATA_DIR: dataDir, HERALD_NODE_ID: 'sqlite' },
        }),
      );
    } else {
      redis = redisNode(await freePort());
      await redis.start();
      for (const id of ['node-a', 'node-b']) {
        const env = {
          ...base,
          HERALD_DATA_DIR: join(dataDir, id),
          HERALD_NODE_ID: id,
          DATABASE_URL: benchPgUrl(),
          DATABASE_SCHEMA: /** @type {string} */ (schema),
          REDIS_URL: `redis://127.0.0.1:${redis.port}`,
          HERALD_REDIS_CHANNEL: 'herald:chaos',
        };
        nodes.push(heraldNode({ label: id, main, cwd: repoRoot, port: await freePort(), env }));
      }
    }
    // One after the other: the first migrates the schema.
    for (const node of nodes) await node.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { name, nodes, redis, close };
}
