/**
 * Target: Herald itself, run as `npm start` runs it (`node <flags> packages/server/dist/main.js`,
 * built first, with the Node flags read from the root package.json's start script), on SQLite or
 * PostgreSQL. Accounts and conversations are created through the REST API by
 * a separate setup process on the same data (argon2 registration is slow and leaves freed memory
 * behind), then a fresh, pinned server process is started on that data and measured.
 * With `cluster` (PostgreSQL only), several measured nodes share the database and a Redis bus, as
 * in a scaled-out deployment, and client `slot` connects to node `slot % nodes`; `relaunch` changes
 * the node count on the same accounts and conversations (the setup is not repeated).
 * Invariants: clients speak the real protocol (authenticate, send_message, unsubscribe) and need
 * no `subscribe`, because every session of a member receives new_message (read by the id in its
 * text, without JSON.parse; every other frame is parsed); a chat client whose
 * user is in several pairs unsubscribes from the others, so each client gets only its own room.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { mapLimit } from '../connect-all.mjs';
import { messageIdInJson } from '../delivery-ledger.mjs';
import { parseGcLine } from '../gc-trace.mjs';
import { stallWatch } from '../loop-stalls.mjs';
import { pidsNamed } from '../proc-stats.mjs';
import { launchServer, launchServers } from '../server-process.mjs';
import { heraldApi } from './herald-api.mjs';

// The PostgreSQL driver Herald itself uses, resolved as @herald/server resolves it (not a bench dependency).
const serverPackage = fileURLToPath(new URL('../../../packages/server/package.json', import.meta.url));
/** @type {typeof import('pg')} */
const pg = createRequire(serverPackage)('pg');

/**
 * The Node flags of the root package.json's `start` script (`node <flags> packages/server/dist/main.js`),
 * so the bench runs Herald exactly as `npm start` does. Throws if the script no longer has that shape.
 * @param {string} repoRoot
 * @returns {string[]}
 */
export function startNodeFlags(repoRoot) {
  const start = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts?.start;
  const match = /(?:^|&&\s*)node((?:\s+-[^\s]+)*)\s+packages\/server\/dist\/main\.js\s*$/.exec(String(start));
  if (!match) throw new Error(`package.json "start" (${start}) does not end in "node [flags] packages/server/dist/main.js"`);
  return (match[1] ?? '').split(/\s+/).filter(Boolean);
}

let frameCounter = 0;
const frameId = () => `b${(++frameCounter).toString(36)}`;

/** The port in Herald's "herald listening" log line. @param {string} line */
function heraldPort(line) {
  if (!line.includes('"herald listening"')) return undefined;
  return Number(new URL(JSON.parse(line).url).port);
}

/**
 * @param {{ database: 'sqlite' | 'postgres', cpus: string | undefined, repoRoot: string, pgUrl: string,
 *           profileDir?: string | undefined, gcTrace?: boolean, loopStalls?: boolean, log: (line: string) => void,
 *           cluster?: import('./target.mjs').ClusterOptions }} options
 * @returns {import('./target.mjs').Target}
 */
export function heraldTarget({ database, cpus, repoRoot, pgUrl, profileDir, gcTrace = false, loopStalls = false, log, cluster }) {
  if (cluster && database !== 'postgres') throw new Error('a Herald cluster runs on PostgreSQL');
  const stalls = stallWatch(loopStalls);
  const name = cluster ? 'herald-cluster' : `herald-${database}`;
  const main = join(repoRoot, 'packages/server/dist/main.js');
  const nodeFlags = startNodeFlags(repoRoot);
  /** @type {string | undefined} */
  let dataDir;
  const schema = database === 'postgres' ? `herald_bench_${process.pid}_${Date.now().toString(36)}` : undefined;
  /** @type {Record<string, string>} */
  const env = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    HERALD_JWT_SECRET: randomBytes(32).toString('hex'),
    HERALD_ACCESS_TOKEN_TTL: '7200',
    // The bench sends far faster per socket than a person; Herald's abuse limits would reject it.
    HERALD_RATE_PER_SECOND: '1000000',
    HERALD_RATE_BURST: '1000000',
    // Thousands of sockets from one loopback address, several per bench user (the per-account rate
    // follows the per-connection one up).
    HERALD_USER_SOCKETS: '1000000',
    HERALD_IP_PENDING_SOCKETS: '1000000',
    HERALD_IP_HANDSHAKES_PER_MINUTE: '1000000',
    HERALD_LOGIN_RATE_LIMIT: '1000000',
    HERALD_LOGIN_GLOBAL_PER_MINUTE: '1000000',
    HERALD_GROUP_ADD: 'anyone',
    HERALD_GROUPS_PER_HOUR: '1000000',
    // The fan-out scenario puts every bench user into one group.
    HERALD_GROUP_MAX_MEMBERS: '100000',
    HERALD_AUTH_TIMEOUT_MS: '60000',
    // A stop comes after the measurements, with no load balancer to tell: no 2 s drain (production's
    // default), which every setup process and node would otherwise wait out.
    HERALD_DRAIN_DELAY_MS: '0',
    HERALD_DRAIN_SPREAD_MS: '0',
    ...(schema ? { DATABASE_URL: pgUrl, DATABASE_SCHEMA: schema } : {}),
    ...(cluster ? { REDIS_URL: cluster.redisUrl, HERALD_REDIS_CHANNEL: `herald:bench:${process.pid}` } : {}),
  };
  /** @type {import('../server-process.mjs').ServerProcess[]} the measured nodes (one unless `cluster`) */
  let servers = [];
  /** @type {Array<{ id: string, token: string }>} */
  let users = [];
  let fanoutId = '';
  /** @type {string[]} */
  let pairIds = [];
  /** @type {Map<number, number[]>} pair indexes of each user */
  const pairsOfUser = new Map();
  const errors = { count: 0, first: /** @type {string | undefined} */ (undefined) };
  /** @type {import('../gc-trace.mjs').GcEvent[]} */
  const gcEvents = [];
  const running = (/** @type {number} */ slot = 0) => {
    const server = servers[slot % Math.max(1, servers.length)];
    if (!server) throw new Error(`${name}: not started`);
    return server;
  };

  /** Start the measured server, or one node per entry of a cluster (each on its CPUs). @param {Array<string | undefined>} cpuLists */
  const launchNodes = async (cpuLists) => {
    const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
    const trace = gcTrace ? ['--trace-gc-nvp'] : [];
    const onLine = gcTrace
      ? (/** @type {string} */ line) => {
          const event = parseGcLine(line);
          if (event) gcEvents.push(event);
        }
      : undefined;
    // Side by side: the setup process has migrated the schema already.
    const launched = await launchServers(
      cpuLists.map((nodeCpus, i) => {
        const label = cluster ? `${name} node ${i + 1}` : name;
        const nodeEnv = cluster ? { ...env, HERALD_NODE_ID: `bench-${i + 1}` } : env;
        const args = [...profile, ...trace, ...nodeFlags, main];
        return stalls.launch({ label, args, env: nodeEnv, cpus: nodeCpus, readyPort: heraldPort, onLine });
      }),
    );
    servers.push(...launched);
  };
  const stopNodes = async () => {
    const stopping = servers;
    servers = [];
    await Promise.all(stopping.map((server) => server.stop()));
  };

  return {
    name,
    label: cluster ? 'Herald (PostgreSQL + Redis)' : database === 'sqlite' ? 'Herald (SQLite)' : 'Herald (PostgreSQL)',
    pid: () => running().pid,
    serverPids: () => servers.map((server) => server.pid),
    // Every postgres process on the machine: Herald's pool backends, plus anyone else's (noted in the docs).
    databasePids: () => (database === 'postgres' ? [...pidsNamed('postgres'), ...(cluster?.extraDatabasePids?.() ?? [])] : []),
    async start(layout) {
      if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first (the root \`npm run bench\` does)`);
      dataDir = mkdtempSync(join(tmpdir(), 'herald-bench-'));
      env.HERALD_DATA_DIR = dataDir;
      const setup = await launchServer({ label: `${name} setup`, args: [...nodeFlags, main], env, cpus: undefined, readyPort: heraldPort });
      try {
        const api = heraldApi(`http://127.0.0.1:${setup.port}`);
        log(`${name}: registering ${layout.users} users (argon2, ~0.1 s of CPU each)`);
        const indexes = Array.from({ length: layout.users }, (_, i) => i);
        users = await mapLimit(indexes, 8, (/** @type {number} */ i) => api.register(i));
        const owner = users[0];
        if (!owner) throw new Error('layout needs at least one user');
        fanoutId = await api.createGroup(
          owner.token,
          'fan-out',
          users.slice(1, layout.fanoutMembers).map((u) => u.id),
        );
        log(`${name}: creating ${layout.pairs.length} direct conversations`);
        pairIds = await mapLimit(layout.pairs, 16, (/** @type {[number, number]} */ [a, b]) =>
          api.createDirect(pick(users, a).token, pick(users, b).id),
        );
        layout.pairs.forEach(([a, b], p) => {
          for (const user of [a, b]) pairsOfUser.set(user, [...(pairsOfUser.get(user) ?? []), p]);
        });
      } finally {
        await setup.stop();
      }
      await launchNodes(cluster?.cpus ?? [cpus]);
    },
    async relaunch(nodeCpus) {
      if (!cluster) throw new Error(`${name}: relaunch is for a cluster`);
      // The old nodes shut down (gracefully, which takes a while) while the new ones start.
      await Promise.all([stopNodes(), launchNodes(nodeCpus)]);
    },
    connect(spec) {
      const user = pick(users, spec.user);
      const room = spec.room;
      const conversationId = room.kind === 'fanout' ? fanoutId : room.kind === 'pair' ? pick(pairIds, room.index) : undefined;
      const mutes =
        room.kind === 'pair' ? (pairsOfUser.get(spec.user) ?? []).filter((p) => p !== room.index).map((p) => pick(pairIds, p)) : [];
      const socket = new WebSocket(`ws://127.0.0.1:${running(spec.slot).port}/ws`, { perMessageDeflate: false });
      let closing = false;
      /** @type {import('./target.mjs').BenchClient} */
      const client = {
        publish(text) {
          const frame = { id: frameId(), type: 'text', action: 'send_message', data: { conversationId, text }, timestamp: Date.now() };
          socket.send(JSON.stringify(frame));
        },
        close: () => {
          closing = true;
          socket.terminate();
        },
      };
      return new Promise((resolve, reject) => {
        const waiting = new Set();
        let ready = false;
        const done = () => {
          ready = true;
          resolve(client);
        };
        socket.on('message', (data) => {
          const id = messageIdInJson(/** @type {Buffer} */ (data));
          if (id >= 0) {
            spec.onDeliver(id);
            return;
          }
          const frame = JSON.parse(String(data));
          switch (frame.action) {
            case 'connected':
              for (const id of mutes) {
                const ref = frameId();
                waiting.add(ref);
                socket.send(
                  JSON.stringify({ id: ref, type: 'control', action: 'unsubscribe', data: { conversationId: id }, timestamp: Date.now() }),
                );
              }
              if (waiting.size === 0) done();
              return;
            case 'ack':
              if (waiting.delete(frame.data.ref) && waiting.size === 0 && !ready) done();
              return;
            case 'error':
              errors.count++;
              errors.first ??= `${frame.data.code}: ${frame.data.message}`;
              if (!ready) reject(new Error(`herald error ${frame.data.code}: ${frame.data.message}`));
              return;
          }
        });
        socket.once('open', () => {
          const device = { deviceType: 'desktop', deviceId: `bench-${frameCounter}` };
          socket.send(
            JSON.stringify({
              id: frameId(),
              type: 'control',
              action: 'authenticate',
              data: { token: user.token, device },
              timestamp: Date.now(),
            }),
          );
        });
        socket.once('close', (code) => {
          if (!ready) reject(new Error(`herald closed the socket (${code}) before it was ready`));
          else if (!closing) spec.onDrop?.(`closed by server (${code})`);
        });
        socket.on('error', (error) => {
          if (!ready) reject(error);
        });
      });
    },
    errors: () => ({ ...errors }),
    gcEvents: () => gcEvents,
    stallEvents: stalls.events,
    async stop() {
      try {
        await stopNodes();
      } finally {
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
        if (schema) await dropSchema(pgUrl, schema);
      }
    },
  };
}

/** @template T @param {T[]} list @param {number} index @returns {T} */
function pick(list, index) {
  const item = list[index];
  if (item === undefined) throw new Error(`no item ${index} (of ${list.length})`);
  return item;
}

/** Drop a schema and everything in it (every bench run makes its own). @param {string} url @param {string} schema */
export async function dropSchema(url, schema) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** The PostgreSQL every bench command uses: `HERALD_BENCH_PG_URL`, else the machine's test database. */
export const benchPgUrl = () => process.env.HERALD_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when PostgreSQL at `url` answers a query within 3 s. @param {string} url */
export async function postgresReachable(url) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}
