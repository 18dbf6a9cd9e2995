/**
 * startTestServer: a real Herald server on 127.0.0.1 and an ephemeral port, with its own data
 * directory (real SQLite file) or its own PostgreSQL schema. `restart()` brings it back on the
 * same port and data, as a process restart would.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHeraldServer, type HeraldConfig, type HeraldServer, type HeraldServerOptions, loadConfig } from '@herald/server';
import { dropPostgresSchema, PG_URL, REDIS_URL, uniqueSchemaName } from './services.js';

export interface TestServerOptions {
  /** Extra environment, e.g. `{ HERALD_RATE_BURST: '5' }`. */
  env?: Record<string, string>;
  database?: 'sqlite' | 'postgres';
  /** Replaces the default (logging) offline notifier, e.g. with one that records its calls. */
  offlineNotifier?: HeraldServerOptions['offlineNotifier'];
  /** Adjusts the loaded configuration, for settings no variable sets (e.g. a rate window shorter than a minute). */
  configure?: (config: HeraldConfig) => HeraldConfig;
}

export interface TestServer {
  readonly server: HeraldServer;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** ws://127.0.0.1:PORT/ws */
  readonly wsUrl: string;
  readonly port: number;
  /** The PostgreSQL schema this server owns (created for it, dropped by destroy), if any. */
  readonly schema: string | undefined;
  /** Graceful stop (keeps the data, so `restart` can follow). */
  stop(): Promise<void>;
  /** Start again on the same port and data. */
  restart(): Promise<TestServer>;
  /** Stop and delete the data. */
  destroy(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-test-'));
  const schema = options.database === 'postgres' ? uniqueSchemaName() : undefined;
  return boot(options, dataDir, schema, 0);
}

async function boot(options: TestServerOptions, dataDir: string, schema: string | undefined, port: number): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: process.env.HERALD_TEST_LOG_LEVEL ?? 'silent',
    HERALD_DATA_DIR: dataDir,
    HERALD_JWT_SECRET: TEST_JWT_SECRET,
    HERALD_LOGIN_RATE_LIMIT: '10000',
    // Tests make up groups of freshly registered strangers; the contact rule's own tests turn it back on.
    HERALD_GROUP_ADD: 'anyone',
    HERALD_LOGIN_GLOBAL_PER_MINUTE: '100000',
    ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}),
    ...options.env,
  });
  const server = await createHeraldServer({ config: options.configure?.(config) ?? config, offlineNotifier: options.offlineNotifier });
  const url = await server.listen();
  const bound = Number(new URL(url).port);
  let stopped = false;
  const self: TestServer = {
    server,
    url: `http://127.0.0.1:${bound}`,
    wsUrl: `ws://127.0.0.1:${bound}/ws`,
    port: bound,
    schema,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
    },
    async restart() {
      await self.stop();
      return boot(options, dataDir, schema, bound);
    },
    async destroy() {
      await self.stop();
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) await dropPostgresSchema(PG_URL, schema);
    },
  };
  return self;
}

/**
 * Two nodes of one cluster, as behind a load balancer: one PostgreSQL schema (the first node's,
 * dropped when it is destroyed) and one Redis channel of their own on the shared Redis. `env` goes
 * to both; each gets its own `HERALD_NODE_ID` (`names`). Destroy the second node first.
 */
export async function startTwoNodes(
  env: Record<string, string> = {},
  names: [string, string] = ['node-a', 'node-b'],
): Promise<[TestServer, TestServer]> {
  const shared = { REDIS_URL, HERALD_REDIS_CHANNEL: `herald:test:${randomUUID()}`, ...env };
  const first = await startTestServer({ database: 'postgres', env: { ...shared, HERALD_NODE_ID: names[0] } });
  const second = await startTestServer({
    env: { ...shared, HERALD_NODE_ID: names[1], DATABASE_URL: PG_URL, DATABASE_SCHEMA: first.schema ?? '' },
  });
  return [first, second];
}
