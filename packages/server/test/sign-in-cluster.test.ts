/**
 * The sign-in limits hold across two nodes of one cluster (Redis-backed counters): the per-IP limit
 * and the per-account delay count attempts on both nodes together.
 */
import { postgresAvailable, redisAvailable, startTwoNodes, type TestServer } from '@herald/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { expectLimited, login } from './sign-in-harness.js';

let servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.reverse()) await server.destroy();
  servers = [];
});

const cluster = (await postgresAvailable()) && (await redisAvailable());

describe.skipIf(!cluster)('sign-in limits across two nodes (Redis counters)', () => {
  it('holds the per-IP limit and the per-account delay across both nodes', async () => {
    const [a, b] = await startTwoNodes({ HERALD_TRUST_PROXY: 'true', HERALD_LOGIN_RATE_LIMIT: '4', HERALD_LOGIN_ACCOUNT_FAILURES: '2' });
    servers.push(a, b);
    // Per IP: 2 attempts on each node from one address use up its 4; the fifth is refused on either.
    const ip = '192.0.2.44';
    expect((await login(a.url, 'p1@example.test', 'wrong guess', ip)).status).toBe(401);
    expect((await login(b.url, 'p2@example.test', 'wrong guess', ip)).status).toBe(401);
    expect((await login(a.url, 'p3@example.test', 'wrong guess', ip)).status).toBe(401);
    expect((await login(b.url, 'p4@example.test', 'wrong guess', ip)).status).toBe(401);
    expectLimited(await login(a.url, 'p5@example.test', 'wrong guess', ip), 'login_ip');
    expectLimited(await login(b.url, 'p5@example.test', 'wrong guess', ip), 'login_ip');

    // Per account: failures on both nodes add up, and the delay they open holds on both.
    const email = 'shared-target@example.test';
    for (let i = 0; i < 3; i++) expect((await login(i % 2 === 0 ? a.url : b.url, email, 'wrong guess')).status).toBe(401);
    expectLimited(await login(b.url, email, 'wrong guess'), 'login_account');
    expectLimited(await login(a.url, email, 'wrong guess'), 'login_account');
  });
});
