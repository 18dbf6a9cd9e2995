/**
 * The admin page's server side: online users and per-user sessions are the whole cluster's (two
 * real nodes over real Redis + PostgreSQL: a user's sessions on both nodes are one entry), a node
 * that stops answers no more and the question still comes back; error reports carry the reporting
 * user's name (SQLite, one node).
 */
import type { AuthResponse, ErrorReport, OnlineUser, SessionInfo } from '@herald/protocol';
import { ApiClient, postgresAvailable, redisAvailable, startTestServer, startTwoNodes, type TestServer, TestSocket } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ready = (await postgresAvailable()) && (await redisAvailable());

/** Ask until `test` passes (the other node's stats arrive once a second), at most `timeoutMs`. */
async function until<T>(ask: () => Promise<T>, test: (value: T) => boolean, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await ask();
    if (test(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!ready)('admin: sessions across two nodes (PostgreSQL + Redis)', () => {
  let one: TestServer;
  let two: TestServer;
  let twoStopped = false;
  let admin: AuthResponse;
  const sockets: TestSocket[] = [];
  beforeAll(async () => {
    [one, two] = await startTwoNodes({ HERALD_RATE_PER_SECOND: '1000', HERALD_RATE_BURST: '1000' }, ['node-1', 'node-2']);
    admin = await new ApiClient(one.url).register('Admin'); // the first account of the shared database
  });
  afterAll(async () => {
    for (const s of sockets) s.ws.terminate();
    if (!twoStopped) await two?.destroy();
    await one?.destroy();
  });

  it('lists every node’s users and sessions, merged per user, from either node', async () => {
    const [api1, api2] = [new ApiClient(one.url), new ApiClient(two.url)];
    const alice = await api1.register('Alice');
    const bob = await api2.register('Bob');
    for (const [server, auth, device] of [
      [one, alice, 'desktop'],
      [two, alice, 'mobile'],
      [two, bob, 'tablet'],
    ] as const) {
      sockets.push(await TestSocket.connect(server.wsUrl, auth.accessToken, device));
    }

    const online = (api: ApiClient) => async () =>
      (await api.request<{ users: OnlineUser[] }>('GET', '/api/v1/admin/users/online', { token: admin.accessToken })).body.users;
    const aliceOf = (users: OnlineUser[]) => users.find((u) => u.userId === alice.user.id);
    // Asked on node-1: Bob (only on node-2) is there, and Alice is one entry with both sessions.
    const seen = await until(online(api1), (users) => aliceOf(users)?.sessions.length === 2 && users.some((u) => u.userId === bob.user.id));
    expect(
      aliceOf(seen)
        ?.sessions.map((s) => [s.nodeId, s.deviceType])
        .sort(),
    ).toEqual([
      ['node-1', 'desktop'],
      ['node-2', 'mobile'],
    ]);
    expect(seen.find((u) => u.userId === bob.user.id)?.sessions.map((s) => s.nodeId)).toEqual(['node-2']);
    expect(seen.filter((u) => u.userId === alice.user.id)).toHaveLength(1);
    // Asked on node-2, the same picture.
    const fromTwo = await until(online(api2), (users) => aliceOf(users)?.sessions.length === 2);
    expect(
      aliceOf(fromTwo)
        ?.sessions.map((s) => s.nodeId)
        .sort(),
    ).toEqual(['node-1', 'node-2']);

    // One user's sessions, cluster-wide, oldest first.
    const sessions = await api2.request<{ userId: string; sessions: SessionInfo[] }>(
      'GET',
      `/api/v1/admin/users/${alice.user.id}/sessions`,
      {
        token: admin.accessToken,
      },
    );
    expect(sessions.status).toBe(200);
    expect(sessions.body.sessions.map((s) => s.nodeId).sort()).toEqual(['node-1', 'node-2']);
    const times = sessions.body.sessions.map((s) => s.connectedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    // Still admins only, and an unknown user is not_found.
    const refused = await api1.request<{ error: { code: string } }>('GET', '/api/v1/admin/users/online', { token: alice.accessToken });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
    const unknown = await api1.request<{ error: { code: string } }>('GET', '/api/v1/admin/users/nobody/sessions', {
      token: admin.accessToken,
    });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'not_found']);

    // A session that closes on node-2 leaves node-1's answer.
    const bobSocket = sockets.at(-1);
    await bobSocket?.close();
    const after = await until(online(api1), (users) => !users.some((u) => u.userId === bob.user.id));
    expect(after.some((u) => u.userId === bob.user.id)).toBe(false);
  });

  it('answers with the nodes that answer when another node has gone (within the query timeout)', async () => {
    const api1 = new ApiClient(one.url);
    const carol = await api1.register('Carol');
    sockets.push(await TestSocket.connect(one.wsUrl, carol.accessToken));
    await two.destroy();
    twoStopped = true;
    // node-1 still counts node-2 alive for a few seconds (its last stats): the question waits at most its timeout.
    const started = Date.now();
    const listed = await api1.request<{ users: OnlineUser[] }>('GET', '/api/v1/admin/users/online', { token: admin.accessToken });
    expect(listed.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(listed.body.users.find((u) => u.userId === carol.user.id)?.sessions.map((s) => s.nodeId)).toEqual(['node-1']);
    expect(listed.body.users.flatMap((u) => u.sessions).every((s) => s.nodeId === 'node-1')).toBe(true);
  });
});

describe('admin: error reports name their user', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({});
  });
  afterAll(async () => {
    await server.destroy();
  });

  it('carries the reporting user’s current name (null when anonymous), the id alongside', async () => {
    const api = new ApiClient(server.url);
    const admin = await api.register('Admin');
    const user = await api.register('Zoë Reporter');
    await api.request('POST', '/api/v1/errors', { body: { message: 'signed in' }, token: user.accessToken });
    await api.request('POST', '/api/v1/errors', { body: { message: 'anonymous' } });
    const listed = await api.request<{ reports: ErrorReport[] }>('GET', '/api/v1/admin/errors?limit=2', { token: admin.accessToken });
    expect(listed.status).toBe(200);
    expect(listed.body.reports.map((r) => [r.message, r.userId, r.userName])).toEqual([
      ['anonymous', null, null],
      ['signed in', user.user.id, 'Zoë Reporter'],
    ]);
  });
});
