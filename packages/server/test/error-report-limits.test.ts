/**
 * What bounds client error reports, end to end over real HTTP: the global rate across every source
 * address (trips with 429 `error_reports_global` and Retry-After, recovers when its window ends),
 * held across two nodes through Redis; the per-IP rate beside it; and the retention sweep (reports
 * past their age deleted, the newest kept up to the row cap) on SQLite and PostgreSQL.
 */
import { request } from 'node:http';
import { postgresAvailable, redisAvailable, startTestServer, startTwoNodes, type TestServer } from '@herald/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const [hasPostgres, hasRedis] = await Promise.all([postgresAvailable(), redisAvailable()]);

interface Answer {
  status: number;
  retryAfter: string | undefined;
  body: { id?: string; error?: { code: string; details?: { limit?: string; retryAfterMs?: number } } };
}

/** POST a report from `localAddress` (any 127.x.y.z is this machine), so each call can come from another source. */
function report(server: TestServer, localAddress: string, message = 'boom'): Promise<Answer> {
  const body = JSON.stringify({ message });
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/api/v1/errors`,
      { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.destroy();
});

describe('error report rates', () => {
  it('limits all sources together (429 error_reports_global) besides each IP, and recovers when the window ends', async () => {
    const server = await startTestServer({
      env: { HERALD_ERROR_REPORT_RATE_LIMIT: '3', HERALD_ERROR_REPORTS_PER_MINUTE: '5' },
      // A short window so recovery can be seen; the rule is the same as with one minute.
      configure: (config) => ({ ...config, errorReports: { ...config.errorReports, windowMs: 4_000 } }),
    });
    servers.push(server);
    for (let i = 0; i < 3; i++) expect((await report(server, '127.0.0.2')).status).toBe(201);
    const perIp = await report(server, '127.0.0.2');
    expect(perIp.status).toBe(429);
    expect(perIp.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'error_reports_ip' } });
    for (let i = 0; i < 2; i++) expect((await report(server, '127.0.0.3')).status).toBe(201);

    const global = await report(server, '127.0.0.4');
    expect(global.status).toBe(429);
    expect(global.body.error).toMatchObject({ code: 'rate_limited', details: { limit: 'error_reports_global' } });
    expect(Number(global.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(global.body.error?.details?.retryAfterMs).toBeLessThanOrEqual(4_000);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/herald_limit_rejections_total\{limit="error_reports_global"\} 1\b/);
    expect(metrics).toMatch(/herald_limit_rejections_total\{limit="error_reports_ip"\} 1\b/);

    await expect.poll(async () => (await report(server, '127.0.0.5')).status, { timeout: 15_000, interval: 500 }).toBe(201);
  });

  it.skipIf(!hasPostgres || !hasRedis)('holds the global rate across two nodes sharing Redis', async () => {
    const [a, b] = await startTwoNodes({ HERALD_ERROR_REPORT_RATE_LIMIT: '100', HERALD_ERROR_REPORTS_PER_MINUTE: '4' });
    servers.push(b, a);
    for (let i = 0; i < 2; i++) expect((await report(a, '127.0.0.6')).status).toBe(201);
    for (let i = 0; i < 2; i++) expect((await report(b, '127.0.0.7')).status).toBe(201);
    const refused = await report(a, '127.0.0.8');
    expect(refused.status).toBe(429);
    expect(refused.body.error?.details?.limit).toBe('error_reports_global');
  });

  it('refuses a report over HERALD_ERROR_REPORT_MAX_BYTES with 413 error_report_size, and takes one just under it', async () => {
    const server = await startTestServer({ env: { HERALD_ERROR_REPORT_MAX_BYTES: '2048' } });
    servers.push(server);
    const big = await report(server, '127.0.0.9', 'x'.repeat(1990));
    expect(big.status).toBe(201);
    const tooBig = await fetch(`${server.url}/api/v1/errors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'big', stack: 'x'.repeat(2100) }),
    });
    expect(tooBig.status).toBe(413);
    expect(await tooBig.json()).toMatchObject({ error: { code: 'too_big', details: { limit: 'error_report_size' } } });
  });
});

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`error report retention on ${database}`, () => {
    it('deletes reports past their retention and the oldest beyond the row cap, and keeps the rest', async () => {
      // 0.0001 days = 8.64 s of retention, swept every 2.16 s.
      const server = await startTestServer({
        database,
        env: { HERALD_ERROR_REPORT_RETENTION_DAYS: '0.0001', HERALD_ERROR_REPORT_MAX_ROWS: '5' },
      });
      servers.push(server);
      const now = Date.now();
      const row = (id: string, createdAt: number) => ({
        id,
        user_id: null,
        message: id,
        stack: null,
        component_stack: null,
        url: null,
        user_agent: null,
        created_at: createdAt,
      });
      // Old ones (a day ago), and recent ones dated in the future so no test delay can age them.
      const old = [1, 2, 3].map((i) => row(`old-${i}`, now - 24 * 3600_000 - i));
      const recent = [1, 2, 3, 4, 5, 6, 7].map((i) => row(`recent-${i}`, now + 3600_000 + i));
      await server.server.database.db
        .insertInto('error_reports')
        .values([...old, ...recent])
        .execute();

      const remaining = async () =>
        (await server.server.database.db.selectFrom('error_reports').select('id').orderBy('created_at').execute()).map((r) => r.id);
      await expect
        .poll(remaining, { timeout: 20_000, interval: 250 })
        .toEqual(['recent-3', 'recent-4', 'recent-5', 'recent-6', 'recent-7']);
    });
  });
}
