/**
 * Presence across a cluster with batched refreshes: node A in this process, node B a real child
 * process (the built server), one PostgreSQL schema and one Redis channel. A watcher on A follows
 * sixty members of a large group connected to B: they come online in a handful of batches (B
 * publishes its users once per tick, not once each), and when B is killed (SIGKILL: no goodbye on
 * the bus) A shows them offline once B's counts expire (3 to 4 refresh periods, then the grace).
 */
import { randomUUID } from 'node:crypto';
import type { Presence, ServerFrame } from '@herald/protocol';
import {
  ApiClient,
  buildServer,
  PG_URL,
  postgresAvailable,
  REDIS_URL,
  redisAvailable,
  type ServerProcess,
  seedAccounts,
  startServerProcess,
  startTestServer,
  TEST_JWT_SECRET,
  type TestServer,
  TestSocket,
} from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ready = (await postgresAvailable()) && (await redisAvailable());
const MEMBERS = 60;
const REFRESH_MS = 500;
const GRACE_MS = 200;

describe.skipIf(!ready)('presence in a cluster: batched refreshes and a node kill', () => {
  let a: TestServer;
  let b: ServerProcess | undefined;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    await buildServer();
    const shared = {
      REDIS_URL,
      HERALD_REDIS_CHANNEL: `herald:test:${randomUUID()}`,
      HERALD_JWT_SECRET: TEST_JWT_SECRET,
      HERALD_RATE_PER_SECOND: '1000',
      HERALD_RATE_BURST: '1000',
      HERALD_LOGIN_RATE_LIMIT: '10000',
      HERALD_GROUP_ADD: 'anyone',
      HERALD_PRESENCE_REFRESH_MS: String(REFRESH_MS),
      HERALD_PRESENCE_GRACE_MS: String(GRACE_MS),
      HERALD_IP_PENDING_SOCKETS: '100000',
      HERALD_IP_HANDSHAKES_PER_MINUTE: '100000',
    };
    a = await startTestServer({ database: 'postgres', env: { ...shared, HERALD_NODE_ID: 'node-a' } });
    b = await startServerProcess({
      env: { ...shared, HERALD_NODE_ID: 'node-b', DATABASE_URL: PG_URL, DATABASE_SCHEMA: a.schema ?? '' },
      label: 'node-b',
    });
  }, 120_000);

  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    b?.kill();
    await a?.destroy();
  });

  const batchOf = (f: ServerFrame): Presence[] => (f.action === 'presence_batch' ? f.data.presence : []);

  it('shows a killed node’s users offline once its counts expire, having told their arrival in batches', async () => {
    if (!b) throw new Error('node B did not start');
    const api = new ApiClient(a.url);
    // Seeded on node A's database (the shared one), with tokens both nodes accept: no argon2.
    const [watcher, ...members] = await seedAccounts(a, MEMBERS + 1, 'Node');
    if (!watcher) throw new Error('registration failed');
    await api.conversation(watcher.accessToken, { kind: 'group', title: 'big', memberIds: members.map((m) => m.user.id) });
    const ids = members.map((m) => m.user.id);

    const w = await TestSocket.connect(a.wsUrl, watcher.accessToken);
    sockets.push(w);
    const first = (await w.request({ action: 'presence_subscribe', type: 'control', data: { userIds: ids } })) as { presence: Presence[] };
    expect(first.presence.every((p) => !p.online)).toBe(true);

    const wsUrlB = `ws://127.0.0.1:${b.port}/ws`;
    sockets.push(...(await Promise.all(members.map((m) => TestSocket.connect(wsUrlB, m.accessToken)))));
    const online = new Set<string>();
    await w.waitFor((f) => {
      for (const p of batchOf(f)) if (p.online) online.add(p.userId);
      return online.size === MEMBERS;
    }, 15_000);
    // Sixty arrivals on another node, told in batches: far fewer frames than users.
    const arrivalBatches = w.frames.filter((f) => batchOf(f).some((p) => p.online)).length;
    expect(arrivalBatches).toBeLessThan(MEMBERS / 2);

    // Refreshes keep them online over several expiry windows (each refresh is one message for all sixty).
    // Polled every 100 ms for five refresh periods: the check is that time passes without a change.
    const settled = Date.now();
    while (Date.now() - settled < 5 * REFRESH_MS) {
      const { presence } = (await w.request({ action: 'presence_query', type: 'control', data: { userIds: ids } })) as {
        presence: Presence[];
      };
      expect(presence.filter((p) => p.online)).toHaveLength(MEMBERS);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(w.frames.filter((f) => batchOf(f).some((p) => !p.online))).toEqual([]);

    b.kill();
    await b.exited;
    const offline = new Set<string>();
    await w.waitFor((f) => {
      for (const p of batchOf(f)) if (!p.online) offline.add(p.userId);
      return offline.size === MEMBERS;
    }, 15_000);
    const { presence } = (await w.request({ action: 'presence_query', type: 'control', data: { userIds: ids } })) as {
      presence: Presence[];
    };
    expect(presence.filter((p) => p.online)).toEqual([]);
    expect(presence.every((p) => typeof p.lastSeenAt === 'number')).toBe(true);
  }, 90_000);
});
