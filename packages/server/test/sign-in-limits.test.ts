/**
 * The sign-in throttles against a real server over real HTTP: the per-account progressive delay
 * (tripped from many addresses, as a distributed guesser would; the addresses come from
 * X-Forwarded-For with HERALD_TRUST_PROXY=true, sent over loopback), the global ceiling, the
 * per-IP limit with and without a trusted proxy. Across two nodes: sign-in-cluster.test.ts.
 */
import { ApiClient, startTestServer, type TestServer } from '@herald/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { expectLimited, freshIp, login, post } from './sign-in-harness.js';

const PASSWORD = 'correct horse battery';
let servers: TestServer[] = [];
afterEach(async () => {
  for (const server of servers.reverse()) await server.destroy();
  servers = [];
});

async function start(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer({ env });
  servers.push(server);
  return server;
}

describe('per-account sign-in throttle', () => {
  it('delays an account after its free failures, from any address, doubling; the right password works after the delay and clears it', async () => {
    const server = await start({ HERALD_TRUST_PROXY: 'true', HERALD_LOGIN_RATE_LIMIT: '2', HERALD_LOGIN_ACCOUNT_FAILURES: '3' });
    const { url } = server;
    const victim = await new ApiClient(url).register('Victim');
    const email = victim.user.email;

    // Three free failures, then a fourth that is checked and opens a 1 s delay; each from its own address.
    for (let i = 0; i < 4; i++) expect((await login(url, email, 'wrong guess')).status).toBe(401);
    // During the delay even the right password is refused, and not checked (no 200 through the delay).
    const first = expectLimited(await login(url, email, PASSWORD), 'login_account');
    expect(first).toBeLessThanOrEqual(1000);
    // A refused attempt does not lengthen the delay: the next guess after it is checked.
    await expect.poll(async () => (await login(url, email, 'wrong again')).status, { timeout: 5000, interval: 200 }).toBe(401);
    // That one doubled the delay.
    const second = expectLimited(await login(url, email, PASSWORD), 'login_account');
    expect(second).toBeGreaterThan(1000);
    expect(second).toBeLessThanOrEqual(2000);
    await expect.poll(async () => (await login(url, email, PASSWORD)).status, { timeout: 6000, interval: 250 }).toBe(200);

    // The success cleared it: three failures are free again.
    for (let i = 0; i < 3; i++) expect((await login(url, email, 'wrong guess')).status).toBe(401);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/herald_limit_rejections_total\{limit="login_account"\} [1-9]/);
  });

  it('throttles an email nobody registered exactly like a real one, so the answer reveals nothing', async () => {
    const server = await start({ HERALD_TRUST_PROXY: 'true', HERALD_LOGIN_ACCOUNT_FAILURES: '2' });
    const real = (await new ApiClient(server.url).register('Real')).user.email;
    const sequence = async (email: string) => {
      const answers: Array<string | number> = [];
      for (let i = 0; i < 4; i++) {
        const answer = await login(server.url, email, 'wrong guess');
        answers.push(answer.status === 429 ? `429 ${answer.body.error?.details?.limit}` : answer.status);
      }
      return answers;
    };
    expect(await sequence(real)).toEqual([401, 401, 401, '429 login_account']);
    expect(await sequence('nobody-here@example.test')).toEqual([401, 401, 401, '429 login_account']);
  });
});

describe('global sign-in ceiling', () => {
  it('refuses logins and registrations past the cluster-wide ceiling with 429 login_global', async () => {
    const server = await start({ HERALD_TRUST_PROXY: 'true', HERALD_LOGIN_GLOBAL_PER_MINUTE: '3' });
    const { url } = server;
    expect((await login(url, 'a@example.test', 'wrong guess')).status).toBe(401);
    expect((await login(url, 'b@example.test', 'wrong guess')).status).toBe(401);
    expect((await post(url, '/api/v1/auth/register', { email: 'c@example.test', password: PASSWORD, name: 'C' }, freshIp())).status).toBe(
      201,
    );
    expectLimited(await login(url, 'd@example.test', 'wrong guess'), 'login_global');
    expectLimited(
      await post(url, '/api/v1/auth/register', { email: 'e@example.test', password: PASSWORD, name: 'E' }, freshIp()),
      'login_global',
    );
    // The refused registration created nothing.
    expect(await server.server.repositories.accounts.findUserByEmail('e@example.test')).toBeUndefined();
  });
});

describe('per-IP sign-in limit and HERALD_TRUST_PROXY', () => {
  it('counts the forwarded client address when the proxy is trusted', async () => {
    const server = await start({ HERALD_TRUST_PROXY: '127.0.0.1', HERALD_LOGIN_RATE_LIMIT: '2' });
    for (let i = 0; i < 2; i++) expect((await login(server.url, `x${i}@example.test`, 'wrong guess', '198.51.100.7')).status).toBe(401);
    expectLimited(await login(server.url, 'x3@example.test', 'wrong guess', '198.51.100.7'), 'login_ip');
    // Another client behind the same proxy has its own budget.
    expect((await login(server.url, 'x4@example.test', 'wrong guess', '198.51.100.8')).status).toBe(401);
  });

  it('ignores X-Forwarded-For when no proxy is trusted (the default), so a client cannot spoof its way past the limit', async () => {
    const server = await start({ HERALD_LOGIN_RATE_LIMIT: '2' });
    for (let i = 0; i < 2; i++) expect((await login(server.url, `y${i}@example.test`, 'wrong guess')).status).toBe(401);
    expectLimited(await login(server.url, 'y3@example.test', 'wrong guess'), 'login_ip');
  });

  it('ignores X-Forwarded-For from a peer that is not the trusted proxy', async () => {
    const server = await start({ HERALD_TRUST_PROXY: '10.0.0.0/8', HERALD_LOGIN_RATE_LIMIT: '2' });
    for (let i = 0; i < 2; i++) expect((await login(server.url, `z${i}@example.test`, 'wrong guess')).status).toBe(401);
    expectLimited(await login(server.url, 'z3@example.test', 'wrong guess'), 'login_ip');
  });
});
