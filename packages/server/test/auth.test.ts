/**
 * Accounts and tokens over real HTTP: register/login/refresh/logout/me, roles, rate limit,
 * and socket authentication with missing, expired and forged credentials.
 */

import type { AuthResponse } from '@herald/protocol';
import { ApiClient, startTestServer, TEST_JWT_SECRET, type TestServer, TestSocket } from '@herald/testkit';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ env: { HERALD_ADMIN_EMAIL: 'boss@example.test', HERALD_AUTH_TIMEOUT_MS: '300' } });
  api = new ApiClient(server.url);
});
afterAll(() => server.destroy());

const sign = (claims: Record<string, unknown>, secret: string, exp: number) =>
  new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(String(claims.sub))
    .setIssuer('herald')
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

describe('REST auth', () => {
  it('makes the first account admin, later ones users, and HERALD_ADMIN_EMAIL admin', async () => {
    const first = await api.register('First');
    const second = await api.register('Second');
    expect(first.user.role).toBe('admin');
    expect(second.user.role).toBe('user');
    const boss = await api.request<AuthResponse>('POST', '/api/v1/auth/register', {
      body: { email: 'BOSS@example.test', password: 'password123', name: 'Boss' },
    });
    expect(boss.body.user).toMatchObject({ role: 'admin', email: 'boss@example.test' });
  });

  it('validates registration with clear errors and refuses a taken email', async () => {
    const bad = await api.request('POST', '/api/v1/auth/register', { body: { email: 'not-an-email', password: 'short', name: '' } });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: { code: 'bad_request', details: expect.arrayContaining([expect.objectContaining({ path: 'password' })]) },
    });
    const user = await api.register('Dup');
    const dup = await api.request('POST', '/api/v1/auth/register', {
      body: { email: user.user.email, password: 'password123', name: 'Again' },
    });
    expect(dup).toMatchObject({ status: 409, body: { error: { code: 'email_taken' } } });
    const notJson = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('logs in, rotates refresh tokens once, ends the session on reuse, and logs out', async () => {
    const user = await api.register('Rot');
    const wrong = await api.request('POST', '/api/v1/auth/login', { body: { email: user.user.email, password: 'nope-nope' } });
    expect(wrong).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
    const unknown = await api.request('POST', '/api/v1/auth/login', { body: { email: 'ghost@example.test', password: 'nope-nope' } });
    expect(unknown).toMatchObject({ status: 401, body: { error: { code: 'invalid_credentials' } } });
    const login = await api.request<AuthResponse>('POST', '/api/v1/auth/login', {
      body: { email: user.user.email, password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    const me = await api.request('GET', '/api/v1/auth/me', { token: login.body.accessToken });
    expect(me.body).toEqual({ user: user.user });

    const rotated = await api.request<AuthResponse>('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(login.body.refreshToken);
    expect(rotated.body.sessionId).toBe(login.body.sessionId);
    // Reusing the old token is a theft signal: it fails and ends the session, so the new tokens die too.
    const reuse = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: login.body.refreshToken } });
    expect(reuse).toMatchObject({ status: 401, body: { error: { code: 'session_revoked' } } });
    const afterReuse = await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } });
    expect(afterReuse).toMatchObject({ status: 401, body: { error: { code: 'session_revoked' } } });
    const accessAfterReuse = await api.request('GET', '/api/v1/auth/me', { token: rotated.body.accessToken });
    expect(accessAfterReuse).toMatchObject({ status: 401, body: { error: { code: 'session_revoked' } } });
    // The user's other session (the registration's) is untouched by the default `HERALD_REFRESH_REUSE=session`.
    expect((await api.request('GET', '/api/v1/auth/me', { token: user.accessToken })).status).toBe(200);

    const fresh = await api.request<AuthResponse>('POST', '/api/v1/auth/login', {
      body: { email: user.user.email, password: 'correct horse battery' },
    });
    expect((await api.request('POST', '/api/v1/auth/logout', { body: { refreshToken: fresh.body.refreshToken } })).status).toBe(204);
    expect((await api.request('POST', '/api/v1/auth/refresh', { body: { refreshToken: fresh.body.refreshToken } })).status).toBe(401);
    // Signing out ends the access token at once, not when it expires.
    expect(await api.request('GET', '/api/v1/auth/me', { token: fresh.body.accessToken })).toMatchObject({
      status: 401,
      body: { error: { code: 'session_revoked' } },
    });
  });

  it('refuses REST calls without, with forged, or with expired tokens', async () => {
    const user = await api.register('Tok');
    expect(await api.request('GET', '/api/v1/conversations')).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    const forged = await sign(
      { sub: user.user.id, role: 'admin' },
      'another-secret-another-secret-another-secret',
      Math.floor(Date.now() / 1000) + 60,
    );
    expect(await api.request('GET', '/api/v1/conversations', { token: forged })).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    const expired = await sign({ sub: user.user.id, role: 'user' }, TEST_JWT_SECRET, Math.floor(Date.now() / 1000) - 10);
    expect(await api.request('GET', '/api/v1/conversations', { token: expired })).toMatchObject({
      status: 401,
      body: { error: { code: 'token_expired' } },
    });
  });

  it('lets admins assign any role, and refuses non-admins', async () => {
    const admin = await api.request<AuthResponse>('POST', '/api/v1/auth/login', {
      body: { email: 'boss@example.test', password: 'password123' },
    });
    const user = await api.register('Doc');
    const byUser = await api.request('PUT', `/api/v1/users/${user.user.id}/role`, { token: user.accessToken, body: { role: 'doctor' } });
    expect(byUser).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    const byAdmin = await api.request('PUT', `/api/v1/users/${user.user.id}/role`, {
      token: admin.body.accessToken,
      body: { role: 'doctor' },
    });
    expect(byAdmin).toMatchObject({ status: 200, body: { user: { role: 'doctor' } } });
    const badRole = await api.request('PUT', `/api/v1/users/${user.user.id}/role`, {
      token: admin.body.accessToken,
      body: { role: 'Not A Role!' },
    });
    expect(badRole.status).toBe(400);
    const search = await api.request<{ users: { id: string }[] }>('GET', '/api/v1/users?query=doc', { token: user.accessToken });
    expect(search.body.users.map((u) => u.id)).toContain(user.user.id);
  });
});

describe('socket auth', () => {
  it('closes 4001 for a forged token, an expired token, and a socket that never authenticates', async () => {
    const user = await api.register('Sock');
    const forged = await sign(
      { sub: user.user.id, role: 'user' },
      'another-secret-another-secret-another-secret',
      Math.floor(Date.now() / 1000) + 60,
    );
    const s1 = await TestSocket.open(server.wsUrl);
    s1.sendFrame({ action: 'authenticate', type: 'control', data: { token: forged, device: { deviceType: 'desktop', deviceId: 'd' } } });
    expect(await s1.closed).toMatchObject({ code: 4001 });
    expect(s1.frames.find((f) => f.action === 'error')?.data).toMatchObject({ code: 'unauthorized' });

    const expired = await sign({ sub: user.user.id, role: 'user' }, TEST_JWT_SECRET, Math.floor(Date.now() / 1000) - 10);
    const s2 = await TestSocket.open(server.wsUrl);
    s2.sendFrame({ action: 'authenticate', type: 'control', data: { token: expired, device: { deviceType: 'desktop', deviceId: 'd' } } });
    expect(await s2.closed).toEqual({ code: 4001, reason: 'token_expired' });

    const silent = await TestSocket.open(server.wsUrl);
    expect(await silent.closed).toEqual({ code: 4001, reason: 'authentication timeout' });
  });

  it('answers requests before authenticate with not_authenticated, then works after it', async () => {
    const user = await api.register('Early');
    const socket = await TestSocket.open(server.wsUrl);
    await expect(socket.request({ action: 'history', type: 'control', data: { conversationId: 'x', limit: 5 } })).rejects.toMatchObject({
      data: { code: 'not_authenticated' },
    });
    await socket.authenticate(user.accessToken);
    await expect(socket.request({ action: 'history', type: 'control', data: { conversationId: 'x', limit: 5 } })).rejects.toMatchObject({
      data: { code: 'forbidden' },
    });
    const again = socket.sendFrame({
      action: 'authenticate',
      type: 'control',
      data: { token: user.accessToken, device: { deviceType: 'desktop', deviceId: 'd' } },
    });
    const reply = await socket.waitFor((f) => f.action === 'error' && f.data.ref === again);
    expect(reply.data).toMatchObject({ code: 'already_authenticated' });
    await socket.close();
  });
});

describe('login rate limit', () => {
  it('refuses the attempt past the limit with 429 rate_limited', async () => {
    const limited = await startTestServer({ env: { HERALD_LOGIN_RATE_LIMIT: '3' } });
    try {
      const client = new ApiClient(limited.url);
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push(
          (await client.request('POST', '/api/v1/auth/login', { body: { email: 'x@example.test', password: 'whatever1' } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const last = await client.request('POST', '/api/v1/auth/login', { body: { email: 'x@example.test', password: 'whatever1' } });
      expect(last.body).toMatchObject({ error: { code: 'rate_limited' } });
    } finally {
      await limited.destroy();
    }
  });
});
