/**
 * Client error reports over real HTTP: stored anonymously or with the caller's user, listed to
 * admins newest first, refused to others, bounded in size and rate-limited per IP — on SQLite and
 * PostgreSQL.
 */
import type { ErrorReport } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`error reports on ${database}`, () => {
    const RATE_LIMIT = 6;
    let server: TestServer;
    let api: ApiClient;
    let admin: Awaited<ReturnType<ApiClient['register']>>;
    let reportsSent = 0;

    /** POST a report, counting it against this server's per-minute budget. */
    function report(body: unknown, token?: string) {
      reportsSent++;
      if (reportsSent > RATE_LIMIT) throw new Error('this test file sent more reports than its rate limit allows');
      return api.request<{ id: string }>('POST', '/api/v1/errors', { body, ...(token ? { token } : {}) });
    }

    beforeAll(async () => {
      server = await startTestServer({ database, env: { HERALD_ERROR_REPORT_RATE_LIMIT: String(RATE_LIMIT) } });
      api = new ApiClient(server.url);
      admin = await api.register('Admin'); // the first account is the admin
    });

    afterAll(async () => {
      await server.destroy();
    });

    it('stores reports anonymously or with the caller, and lists them to admins newest first', async () => {
      const user = await api.register('Ursula');
      const anonymous = await report({ message: 'TypeError: x is undefined', stack: 'at f (app.js:1:1)', url: 'https://app/x' });
      expect(anonymous.status).toBe(201);
      const signedIn = await report(
        { message: 'render failed', componentStack: '\n    in Chat\n    in App', userAgent: 'Firefox/140' },
        user.accessToken,
      );
      expect(signedIn.status).toBe(201);
      const badToken = await report({ message: 'after logout' }, 'not-a-token');
      expect(badToken.status).toBe(201);

      const listed = await api.request<{ reports: ErrorReport[] }>('GET', '/api/v1/admin/errors?limit=3', { token: admin.accessToken });
      expect(listed.status).toBe(200);
      expect(listed.body.reports.map((r) => r.id)).toEqual([badToken.body.id, signedIn.body.id, anonymous.body.id]);
      const [third, second, first] = listed.body.reports;
      expect(first).toMatchObject({ userId: null, message: 'TypeError: x is undefined', stack: 'at f (app.js:1:1)', url: 'https://app/x' });
      expect(second).toMatchObject({ userId: user.user.id, componentStack: '\n    in Chat\n    in App', userAgent: 'Firefox/140' });
      expect(third).toMatchObject({ userId: null, message: 'after logout' });
      const limited = await api.request<{ reports: ErrorReport[] }>('GET', '/api/v1/admin/errors?limit=1', { token: admin.accessToken });
      expect(limited.body.reports.map((r) => r.id)).toEqual([badToken.body.id]);
    });

    it('refuses the list to users (403) and to anonymous callers (401)', async () => {
      const user = await api.register('Ursula');
      const refused = await api.request<{ error: { code: string } }>('GET', '/api/v1/admin/errors', { token: user.accessToken });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      expect((await api.request('GET', '/api/v1/admin/errors')).status).toBe(401);
      expect((await api.request('GET', '/api/v1/admin/errors?limit=0', { token: admin.accessToken })).status).toBe(400);
    });

    it('refuses bodies over 16 KiB (the default cap) with 413 too_big, and invalid ones with 400', async () => {
      const huge = await report({ message: 'big', stack: 'x'.repeat(17 * 1024) });
      expect(huge.status).toBe(413);
      expect(huge.body).toMatchObject({ error: { code: 'too_big', details: { limit: 'error_report_size' } } });
      const invalid = await report({ stack: 'no message' });
      expect(invalid.status).toBe(400);
    });

    it('rate-limits reports per IP: 429 rate_limited once the per-minute budget is spent', async () => {
      const results: number[] = [];
      while (reportsSent < RATE_LIMIT) results.push((await report({ message: `burst ${reportsSent}` })).status);
      expect(results.every((status) => status === 201)).toBe(true);
      const over = await api.request<{ error: { code: string } }>('POST', '/api/v1/errors', { body: { message: 'one too many' } });
      expect(over.status).toBe(429);
      expect(over.body).toMatchObject({ error: { code: 'rate_limited', details: { limit: 'error_reports_ip' } } });
      // Other routes are not limited by it.
      expect((await api.request('GET', '/api/v1/admin/errors', { token: admin.accessToken })).status).toBe(200);
    });
  });
}
