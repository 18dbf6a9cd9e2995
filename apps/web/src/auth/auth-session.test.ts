import { describe, expect, it } from 'vitest';
import { AuthSession, REFRESH_TOKEN_KEY } from './auth-session';

const user = { id: 'u1', email: 'a@b.co', name: 'Ann', role: 'user', avatar: null, createdAt: 0 };

/** A fake auth API: each refresh rotates the token; a spent refresh token is refused like the server does. */
function fakeServer(now: () => number) {
  let issued = 0;
  const valid = new Set<string>();
  const calls: string[] = [];
  const tokens = () => {
    issued += 1;
    const refreshToken = `r${issued}`;
    valid.add(refreshToken);
    return { user, accessToken: `a${issued}`, accessTokenExpiresAt: now() + 900_000, refreshToken, refreshTokenExpiresAt: now() + 1e9 };
  };
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input);
    calls.push(path);
    const body = JSON.parse(String(init?.body ?? '{}')) as { refreshToken?: string; password?: string };
    const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status });
    if (path.endsWith('/login')) {
      return body.password === 'right' ? json(200, tokens()) : json(401, { error: { code: 'invalid_credentials', message: 'no' } });
    }
    if (path.endsWith('/refresh')) {
      if (!body.refreshToken || !valid.delete(body.refreshToken)) return json(401, { error: { code: 'unauthorized', message: 'spent' } });
      return json(200, tokens());
    }
    return new Response(null, { status: 204 });
  }) as typeof globalThis.fetch;
  return { fetch, calls };
}

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  };
}

function setup() {
  let clock = 1_000_000;
  const now = () => clock;
  const server = fakeServer(now);
  const storage = memoryStorage();
  const timers: { fn: () => void; at: number }[] = [];
  const session = new AuthSession({
    fetch: server.fetch,
    storage,
    locks: null,
    now,
    setTimer: (fn, ms) => timers.push({ fn, at: clock + ms }),
    clearTimer: () => undefined,
  });
  return { session, server, storage, timers, advance: (ms: number) => (clock += ms) };
}

describe('AuthSession', () => {
  it('signs in, keeps the access token in memory and the refresh token in storage', async () => {
    const { session, storage } = setup();
    await session.login('a@b.co', 'right');
    expect(session.getState()).toEqual({ status: 'signed-in', user });
    expect(await session.getAccessToken()).toBe('a1');
    expect(storage.map.get(REFRESH_TOKEN_KEY)).toBe('r1');
    expect([...storage.map.values()]).not.toContain('a1');
  });

  it('rejects wrong credentials with the server code and stays signed out', async () => {
    const { session } = setup();
    await session.restore();
    await expect(session.login('a@b.co', 'wrong')).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
    expect(session.getState().status).toBe('signed-out');
  });

  it('restores a session from the stored refresh token', async () => {
    const first = setup();
    await first.session.login('a@b.co', 'right');
    // A reload: a new session over the same server and storage.
    const reloaded = new AuthSession({ fetch: first.server.fetch, storage: first.storage, locks: null });
    expect(reloaded.getState().status).toBe('restoring');
    await reloaded.restore();
    expect(reloaded.getState()).toEqual({ status: 'signed-in', user });
    expect(first.storage.map.get(REFRESH_TOKEN_KEY)).toBe('r2');
  });

  it('shares one refresh between concurrent callers (a rotated token is never reused)', async () => {
    const { session, server } = setup();
    await session.login('a@b.co', 'right');
    const tokens = await Promise.all([
      session.getAccessToken({ refresh: true }),
      session.getAccessToken({ refresh: true }),
      session.refresh(),
    ]);
    expect(tokens).toEqual(['a2', 'a2', 'a2']);
    expect(server.calls.filter((call) => call.endsWith('/refresh'))).toHaveLength(1);
    expect(session.getState().status).toBe('signed-in');
  });

  it('refreshes when the access token is about to expire, and schedules a refresh ahead of expiry', async () => {
    const { session, timers, advance } = setup();
    await session.login('a@b.co', 'right');
    expect(timers.at(-1)?.at).toBe(1_000_000 + 900_000 - 60_000);
    advance(899_000);
    expect(await session.getAccessToken()).toBe('a2');
  });

  it('signs out when the refresh token is refused', async () => {
    const { session, storage } = setup();
    await session.login('a@b.co', 'right');
    storage.map.set(REFRESH_TOKEN_KEY, 'spent');
    await expect(session.refresh()).rejects.toMatchObject({ status: 401 });
    expect(session.getState().status).toBe('signed-out');
    expect(storage.map.has(REFRESH_TOKEN_KEY)).toBe(false);
  });

  it('logs out: forgets the tokens and revokes the refresh token', async () => {
    const { session, server, storage } = setup();
    await session.login('a@b.co', 'right');
    await session.logout();
    expect(session.getState().status).toBe('signed-out');
    expect(storage.map.size).toBe(0);
    expect(server.calls.at(-1)).toBe('/api/v1/auth/logout');
  });
});
