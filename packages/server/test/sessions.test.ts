/**
 * Sessions over real HTTP, on SQLite and on PostgreSQL: concurrent first sign-ups make exactly one
 * admin; each sign-in is a session the owner can list (device, last used, current) and end; the
 * refresh token rotates within its session and never outlives it; a disabled account cannot sign in
 * or refresh; and the browser's cookie flow (httpOnly refresh cookie, the `X-Herald-Refresh`
 * header as CSRF guard, foreign origins refused). What this does to live sockets is in
 * revocation.test.ts.
 */
import type { AuthResponse } from '@herald/protocol';
import { ApiClient, postgresAvailable, startTestServer, type TestServer } from '@herald/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const hasPostgres = await postgresAvailable();
const PASSWORD = 'correct horse battery';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';

/** One HTTP call with full control of headers, answering status, headers and JSON body. */
async function call(
  server: TestServer,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; token?: string } = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** The `herald_refresh` cookie a response set: its value and attributes (lower-cased names). */
function refreshCookieOf(headers: Headers): { value: string; attributes: Map<string, string> } | undefined {
  const line = headers.getSetCookie().find((c) => c.startsWith('herald_refresh='));
  if (!line) return undefined;
  const [pair = '', ...rest] = line.split(';').map((p) => p.trim());
  const attributes = new Map(
    rest.map((p) => {
      const [k = '', v = ''] = p.split('=');
      return [k.toLowerCase(), v] as const;
    }),
  );
  return { value: pair.slice('herald_refresh='.length), attributes };
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`sessions (${database})`, () => {
    describe('first-admin bootstrap', () => {
      let server: TestServer;
      beforeAll(async () => {
        server = await startTestServer({ database });
      });
      afterAll(() => server.destroy());

      it('makes exactly one admin of 10 concurrent sign-ups on an empty database', async () => {
        const api = new ApiClient(server.url);
        const signUps = await Promise.all(Array.from({ length: 10 }, (_, i) => api.register(`Racer${i}`)));
        expect(signUps.filter((s) => s.user.role === 'admin')).toHaveLength(1);
        expect(await server.server.repositories.accounts.countUsers()).toBe(10);
        // The one the database says is admin is the one that was told so.
        const admin = signUps.find((s) => s.user.role === 'admin');
        expect((await server.server.repositories.accounts.findUserById(admin?.user.id ?? ''))?.role).toBe('admin');
      });
    });

    describe('sessions', () => {
      let server: TestServer;
      let api: ApiClient;
      beforeAll(async () => {
        server = await startTestServer({ database, env: { HERALD_SESSION_TTL: '3600', HERALD_REFRESH_TOKEN_TTL: '7200' } });
        api = new ApiClient(server.url);
        await api.register('Admin');
      });
      afterAll(() => server.destroy());

      const login = async (email: string, headers: Record<string, string> = {}, deviceName?: string) => {
        const answer = await call(server, 'POST', '/api/v1/auth/login', { body: { email, password: PASSWORD, deviceName }, headers });
        expect(answer.status).toBe(200);
        return answer.body as unknown as AuthResponse & { refreshToken: string };
      };

      it('lists my live sessions with their device and which one is current, and ends one or all others', async () => {
        const me = await api.register('Many');
        const laptop = await login(me.user.email, { 'user-agent': CHROME });
        const phone = await login(me.user.email, {}, 'My phone');
        const listed = await call(server, 'GET', '/api/v1/auth/sessions', { token: laptop.accessToken });
        expect(listed.status).toBe(200);
        const sessions = listed.body.sessions as { id: string; deviceName: string | null; current: boolean; expiresAt: number }[];
        expect(sessions).toHaveLength(3); // the registration's, the laptop's and the phone's
        expect(sessions.find((s) => s.id === laptop.sessionId)).toMatchObject({ deviceName: 'Chrome on Linux', current: true });
        expect(sessions.find((s) => s.id === phone.sessionId)).toMatchObject({ deviceName: 'My phone', current: false });
        // The refresh token never outlives its session.
        expect(laptop.refreshTokenExpiresAt).toBeLessThanOrEqual(sessions.find((s) => s.current)?.expiresAt ?? 0);

        // Someone else's session is not mine to end, nor to learn exists.
        const other = await api.register('Other');
        const foreign = await call(server, 'DELETE', `/api/v1/auth/sessions/${other.sessionId}`, { token: laptop.accessToken });
        expect(foreign).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
        expect((await call(server, 'GET', '/api/v1/auth/me', { token: other.accessToken })).status).toBe(200);

        expect((await call(server, 'DELETE', `/api/v1/auth/sessions/${phone.sessionId}`, { token: laptop.accessToken })).status).toBe(204);
        expect(await call(server, 'GET', '/api/v1/auth/me', { token: phone.accessToken })).toMatchObject({
          status: 401,
          body: { error: { code: 'session_revoked' } },
        });
        expect(await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: phone.refreshToken } })).toMatchObject({
          status: 401,
          body: { error: { code: 'session_revoked' } },
        });
        // Ended already: a second revoke is not_found.
        expect((await call(server, 'DELETE', `/api/v1/auth/sessions/${phone.sessionId}`, { token: laptop.accessToken })).status).toBe(404);

        const others = await call(server, 'POST', '/api/v1/auth/sessions/revoke-others', { token: laptop.accessToken });
        expect(others).toMatchObject({ status: 200, body: { revoked: 1 } }); // the registration's session
        expect((await call(server, 'GET', '/api/v1/auth/me', { token: me.accessToken })).status).toBe(401);
        const left = await call(server, 'GET', '/api/v1/auth/sessions', { token: laptop.accessToken });
        expect((left.body.sessions as { id: string }[]).map((s) => s.id)).toEqual([laptop.sessionId]);
      });

      it('rotates the refresh token within its session and refuses it past the absolute session lifetime', async () => {
        const me = await api.register('Rotor');
        const rotated = await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: me.refreshToken } });
        expect(rotated.status).toBe(200);
        expect(rotated.body.sessionId).toBe(me.sessionId);
        // The session reaches its absolute end (as if HERALD_SESSION_TTL had passed): no refresh revives it.
        await server.server.database.db
          .updateTable('sessions')
          .set({ expires_at: Date.now() - 1 })
          .where('id', '=', me.sessionId)
          .execute();
        const late = await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } });
        expect(late).toMatchObject({ status: 401, body: { error: { code: 'session_revoked' } } });
        expect(String((late.body.error as { message: string }).message)).toMatch(/maximum lifetime/);
      });

      it('changes the password only with the current one, and ends every other session', async () => {
        const me = await api.register('Changer');
        const elsewhere = await login(me.user.email);
        const wrong = await call(server, 'POST', '/api/v1/auth/password', {
          token: me.accessToken,
          body: { currentPassword: 'not it at all', newPassword: 'a brand new secret' },
        });
        expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
        const short = await call(server, 'POST', '/api/v1/auth/password', {
          token: me.accessToken,
          body: { currentPassword: PASSWORD, newPassword: 'short' },
        });
        expect(short).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
        const changed = await call(server, 'POST', '/api/v1/auth/password', {
          token: me.accessToken,
          body: { currentPassword: PASSWORD, newPassword: 'a brand new secret' },
        });
        expect(changed).toMatchObject({ status: 200, body: { revoked: 1 } });
        expect((await call(server, 'GET', '/api/v1/auth/me', { token: me.accessToken })).status).toBe(200);
        expect((await call(server, 'GET', '/api/v1/auth/me', { token: elsewhere.accessToken })).status).toBe(401);
        const old = await call(server, 'POST', '/api/v1/auth/login', { body: { email: me.user.email, password: PASSWORD } });
        expect(old.status).toBe(401);
        const fresh = await call(server, 'POST', '/api/v1/auth/login', { body: { email: me.user.email, password: 'a brand new secret' } });
        expect(fresh.status).toBe(200);
      });

      it('lets an admin disable an account (sign-in and refresh refused, every session ended) and enable it again', async () => {
        const admin = await login((await server.server.repositories.accounts.searchUsers('Admin', 1))[0]?.email ?? '');
        const user = await api.register('Disabled');
        const notAdmin = await call(server, 'POST', `/api/v1/admin/users/${admin.user.id}/disable`, { token: user.accessToken });
        expect(notAdmin).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
        const self = await call(server, 'POST', `/api/v1/admin/users/${admin.user.id}/disable`, { token: admin.accessToken });
        expect(self).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
        const nobody = await call(server, 'POST', '/api/v1/admin/users/00000000-0000-4000-8000-000000000000/disable', {
          token: admin.accessToken,
        });
        expect(nobody.status).toBe(404);

        const disabled = await call(server, 'POST', `/api/v1/admin/users/${user.user.id}/disable`, { token: admin.accessToken });
        expect(disabled).toMatchObject({ status: 200, body: { userId: user.user.id, disabled: true, revoked: 1 } });
        expect(await call(server, 'GET', '/api/v1/auth/me', { token: user.accessToken })).toMatchObject({ status: 401 });
        expect(await call(server, 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.refreshToken } })).toMatchObject({
          status: 401,
        });
        const refused = await call(server, 'POST', '/api/v1/auth/login', { body: { email: user.user.email, password: PASSWORD } });
        expect(refused).toMatchObject({ status: 403, body: { error: { code: 'account_disabled' } } });
        // A wrong password on a disabled account is still just a wrong password: no oracle.
        const guess = await call(server, 'POST', '/api/v1/auth/login', { body: { email: user.user.email, password: 'wrong guess' } });
        expect(guess).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });

        const enabled = await call(server, 'POST', `/api/v1/admin/users/${user.user.id}/enable`, { token: admin.accessToken });
        expect(enabled).toMatchObject({ status: 200, body: { disabled: false, revoked: 0 } });
        expect((await call(server, 'POST', '/api/v1/auth/login', { body: { email: user.user.email, password: PASSWORD } })).status).toBe(
          200,
        );
        // The sessions ended by the disable stay ended.
        expect((await call(server, 'GET', '/api/v1/auth/me', { token: user.accessToken })).status).toBe(401);

        expect(
          (await call(server, 'PUT', `/api/v1/users/${user.user.id}/role`, { token: admin.accessToken, body: { role: 'moderator' } }))
            .status,
        ).toBe(200);
        const audit = await call(server, 'GET', '/api/v1/admin/audit?limit=50', { token: admin.accessToken });
        const actions = (audit.body.entries as { action: string; targetId: string | null }[])
          .filter((e) => e.targetId === user.user.id)
          .map((e) => e.action);
        expect(actions).toEqual(expect.arrayContaining(['user.disabled', 'user.enabled', 'user.role_changed']));
      });
    });

    describe('cookie flow', () => {
      let server: TestServer;
      let api: ApiClient;
      const COOKIE = { 'x-herald-refresh': 'cookie' };
      beforeAll(async () => {
        server = await startTestServer({ database });
        api = new ApiClient(server.url);
        await api.register('Admin');
      });
      afterAll(() => server.destroy());

      it('keeps the refresh token out of the body and in an httpOnly SameSite=Strict cookie scoped to the auth routes', async () => {
        const me = await api.register('Browser');
        const login = await call(server, 'POST', '/api/v1/auth/login', {
          body: { email: me.user.email, password: PASSWORD },
          headers: COOKIE,
        });
        expect(login.status).toBe(200);
        expect(login.body.refreshToken).toBeUndefined();
        expect(login.body.accessToken).toEqual(expect.any(String));
        const cookie = refreshCookieOf(login.headers);
        expect(cookie?.value).toMatch(/^[\w-]{40,}$/);
        expect(cookie?.attributes.has('httponly')).toBe(true);
        expect(cookie?.attributes.get('samesite')?.toLowerCase()).toBe('strict');
        expect(cookie?.attributes.get('path')).toBe('/api/v1/auth');
        expect(Number(cookie?.attributes.get('max-age'))).toBeGreaterThan(0);
        expect(cookie?.attributes.has('secure')).toBe(false); // plain-http development; production always sets it

        // Refresh reads the cookie, rotates it, and again answers without the token.
        const refreshed = await call(server, 'POST', '/api/v1/auth/refresh', {
          body: {},
          headers: { ...COOKIE, cookie: `herald_refresh=${cookie?.value}` },
        });
        expect(refreshed.status).toBe(200);
        expect(refreshed.body.refreshToken).toBeUndefined();
        expect(refreshed.body.sessionId).toBe(login.body.sessionId);
        const rotated = refreshCookieOf(refreshed.headers);
        expect(rotated?.value).toBeDefined();
        expect(rotated?.value).not.toBe(cookie?.value);

        // Sign-out clears the cookie and ends the session.
        const out = await call(server, 'POST', '/api/v1/auth/logout', {
          body: {},
          headers: { ...COOKIE, cookie: `herald_refresh=${rotated?.value}` },
        });
        expect(out.status).toBe(204);
        expect(refreshCookieOf(out.headers)?.value).toBe('');
        expect((await call(server, 'GET', '/api/v1/auth/me', { token: String(refreshed.body.accessToken) })).status).toBe(401);
      });

      it('never reads the cookie without the opt-in header, and refuses a foreign origin', async () => {
        const me = await api.register('Csrf');
        const login = await call(server, 'POST', '/api/v1/auth/login', {
          body: { email: me.user.email, password: PASSWORD },
          headers: COOKIE,
        });
        const value = refreshCookieOf(login.headers)?.value;
        // A cross-site form can send the cookie but not the header: the cookie is not used.
        const forged = await call(server, 'POST', '/api/v1/auth/refresh', { body: {}, headers: { cookie: `herald_refresh=${value}` } });
        expect(forged).toMatchObject({ status: 400, body: { error: { code: 'bad_request' } } });
        const forgedOut = await call(server, 'POST', '/api/v1/auth/logout', { body: {}, headers: { cookie: `herald_refresh=${value}` } });
        expect(forgedOut.status).toBe(400);
        // A page of another origin that somehow sets the header is refused outright.
        const foreign = await call(server, 'POST', '/api/v1/auth/refresh', {
          body: {},
          headers: { ...COOKIE, cookie: `herald_refresh=${value}`, origin: 'https://evil.example' },
        });
        expect(foreign).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
        const foreignLogin = await call(server, 'POST', '/api/v1/auth/login', {
          body: { email: me.user.email, password: PASSWORD },
          headers: { ...COOKIE, origin: 'https://evil.example' },
        });
        expect(foreignLogin.status).toBe(403);
        expect(refreshCookieOf(foreignLogin.headers)).toBeUndefined();
        // None of that touched the session: the real page still refreshes.
        const own = await call(server, 'POST', '/api/v1/auth/refresh', {
          body: {},
          headers: { ...COOKIE, cookie: `herald_refresh=${value}`, origin: server.url },
        });
        expect(own.status).toBe(200);
      });

      it('answers a cookie-flow refresh without a cookie or with a refused one with 401, clearing the cookie', async () => {
        const none = await call(server, 'POST', '/api/v1/auth/refresh', { body: {}, headers: COOKIE });
        expect(none).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
        const bogus = await call(server, 'POST', '/api/v1/auth/refresh', {
          body: {},
          headers: { ...COOKIE, cookie: 'herald_refresh=nope' },
        });
        expect(bogus.status).toBe(401);
        expect(refreshCookieOf(bogus.headers)?.value).toBe('');
      });
    });
  });
}
