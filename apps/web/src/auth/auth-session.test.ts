import { describe, expect, it } from 'vitest';
import { type AuthChannel, AuthSession, LEGACY_REFRESH_TOKEN_KEY } from './auth-session';

const user = { id: 'u1', email: 'a@b.co', name: 'Ann', role: 'user', avatar: null, createdAt: 0 };

interface Call {
  path: string;
  header: string | null;
  body: Record<string, unknown>;
}

/**
 * A fake auth API in the cookie flow, with the browser's cookie jar: each refresh rotates the
 * cookie (a response sets the new one), a spent cookie is refused like the server does (and
 * revokes the session), logout clears it. Answers take a macrotask, so overlapping calls overlap.
 */
function fakeBrowserAndServer(now: () => number) {
  let issued = 0;
  const valid = new Set<string>();
  const jar: { cookie: string | null } = { cookie: null };
  /** An admin disabled the account: refreshes are refused with 403 account_disabled. */
  const account = { disabled: false };
  const calls: Call[] = [];
  const tokens = () => {
    issued += 1;
    jar.cookie = `r${issued}`;
    valid.add(jar.cookie);
    return { user, accessToken: `a${issued}`, accessTokenExpiresAt: now() + 900_000, refreshTokenExpiresAt: now() + 1e9 };
  };
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const path = String(input);
    const header = new Headers(init?.headers).get('x-herald-refresh');
    const body = JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>;
    calls.push({ path, header, body });
    const cookie = jar.cookie; // what the browser sends: the jar as it is when the request leaves
    await new Promise((resolve) => setTimeout(resolve, 1));
    const json = (status: number, value: unknown) => new Response(JSON.stringify(value), { status });
    if (header !== 'cookie') return json(400, { error: { code: 'bad_request', message: 'body flow' } });
    if (path.endsWith('/login')) {
      return body.password === 'right' ? json(200, tokens()) : json(401, { error: { code: 'invalid_credentials', message: 'no' } });
    }
    if (path.endsWith('/refresh')) {
      if (account.disabled) return json(403, { error: { code: 'account_disabled', message: 'disabled' } });
      if (!cookie || !valid.delete(cookie)) {
        valid.clear(); // reuse of a spent token revokes the session
        jar.cookie = null;
        return json(401, { error: { code: 'unauthorized', message: 'spent' } });
      }
      return json(200, tokens());
    }
    if (path.endsWith('/logout')) {
      if (cookie) valid.delete(cookie);
      jar.cookie = null;
    }
    return new Response(null, { status: 204 });
  }) as typeof globalThis.fetch;
  return { fetch, calls, jar, account, refreshes: () => calls.filter((call) => call.path.endsWith('/refresh')) };
}

function memoryStorage(initial: Record<string, string> = {}) {
  const map = new Map<string, string>(Object.entries(initial));
  return { map, removeItem: (key: string) => void map.delete(key) };
}

/** One named lock, granted in request order, like navigator.locks across the tabs of one browser. */
function fakeLocks(): Pick<LockManager, 'request'> {
  let tail: Promise<unknown> = Promise.resolve();
  const request = (_name: string, callback: () => Promise<unknown>) => {
    const run = tail.then(() => callback());
    tail = run.catch(() => undefined);
    return run;
  };
  return { request: request as unknown as LockManager['request'] };
}

/** BroadcastChannels of one name: a message reaches every other channel (never its sender), asynchronously. */
function channelHub() {
  const members = new Set<{ listeners: ((event: MessageEvent) => void)[] }>();
  return (): AuthChannel => {
    const self = { listeners: [] as ((event: MessageEvent) => void)[] };
    members.add(self);
    return {
      postMessage(message) {
        for (const other of members) {
          if (other === self) continue;
          setTimeout(() => {
            for (const listener of other.listeners) listener(new MessageEvent('message', { data: message }));
          }, 0);
        }
      },
      addEventListener: (_type, listener) => void self.listeners.push(listener),
      close: () => void members.delete(self),
    };
  };
}

function setup() {
  let clock = 1_000_000;
  const now = () => clock;
  const browser = fakeBrowserAndServer(now);
  const storage = memoryStorage({ [LEGACY_REFRESH_TOKEN_KEY]: 'old-token', 'herald.deviceId': 'd1' });
  const timers: { fn: () => void; at: number }[] = [];
  const locks = fakeLocks();
  const channel = channelHub();
  /** A tab: its own session over the shared cookie jar, lock and channel. */
  const tab = (options: { locks?: Pick<LockManager, 'request'> | null } = {}) =>
    new AuthSession({
      fetch: browser.fetch,
      storage,
      locks: options.locks === undefined ? locks : options.locks,
      channel: channel(),
      now,
      setTimer: (fn, ms) => timers.push({ fn, at: clock + ms }),
      clearTimer: () => undefined,
    });
  return { session: tab(), tab, browser, storage, timers, advance: (ms: number) => (clock += ms) };
}

const signedOut = (session: AuthSession) =>
  new Promise<void>((resolve) => {
    const stop = session.subscribe(() => {
      if (session.getState().status !== 'signed-out') return;
      stop();
      resolve();
    });
  });

describe('AuthSession', () => {
  it('signs in through the cookie flow: the access token in memory, nothing in storage, no refresh token in any body', async () => {
    const { session, browser, storage } = setup();
    await session.login('a@b.co', 'right');
    expect(session.getState()).toEqual({ status: 'signed-in', user });
    expect(await session.getAccessToken()).toBe('a1');
    expect(browser.jar.cookie).toBe('r1');
    expect(browser.calls).toEqual([{ path: '/api/v1/auth/login', header: 'cookie', body: { email: 'a@b.co', password: 'right' } }]);
    expect([...storage.map.values()]).not.toContain('a1');
    expect([...storage.map.values()]).not.toContain('r1');
  });

  it('rejects wrong credentials with the server code and stays signed out', async () => {
    const { session } = setup();
    await session.restore();
    await expect(session.login('a@b.co', 'wrong')).rejects.toMatchObject({ code: 'invalid_credentials', status: 401 });
    expect(session.getState().status).toBe('signed-out');
  });

  it('restores a session from the refresh cookie on start, and deletes the legacy stored token', async () => {
    const first = setup();
    await first.session.login('a@b.co', 'right');
    // A reload: a new session in the same browser.
    const reloaded = first.tab();
    expect(reloaded.getState().status).toBe('restoring');
    await reloaded.restore();
    expect(reloaded.getState()).toEqual({ status: 'signed-in', user });
    expect(first.browser.refreshes().at(-1)).toEqual({ path: '/api/v1/auth/refresh', header: 'cookie', body: {} });
    expect(first.browser.jar.cookie).toBe('r2');
    expect(first.storage.map.has(LEGACY_REFRESH_TOKEN_KEY)).toBe(false);
    expect(first.storage.map.get('herald.deviceId')).toBe('d1');
  });

  it('starts signed out when the browser has no cookie', async () => {
    const { session, storage } = setup();
    await session.restore();
    expect(session.getState()).toEqual({ status: 'signed-out', user: null });
    expect(storage.map.has(LEGACY_REFRESH_TOKEN_KEY)).toBe(false);
  });

  it('shares one refresh between concurrent callers (a rotated cookie is never reused)', async () => {
    const { session, browser } = setup();
    await session.login('a@b.co', 'right');
    const tokens = await Promise.all([
      session.getAccessToken({ refresh: true }),
      session.getAccessToken({ refresh: true }),
      session.refresh(),
    ]);
    expect(tokens).toEqual(['a2', 'a2', 'a2']);
    expect(browser.refreshes()).toHaveLength(1);
    expect(session.getState().status).toBe('signed-in');
  });

  it('serialises the refreshes of two tabs under the lock, so each sends the newest cookie', async () => {
    const { session, tab, browser } = setup();
    await session.login('a@b.co', 'right');
    const other = tab();
    await Promise.all([session.refresh(), other.refresh()]);
    expect(session.getState().status).toBe('signed-in');
    expect(other.getState().status).toBe('signed-in');
    expect(browser.jar.cookie).toBe('r3');
  });

  it('without the lock, two tabs refreshing at once look like token reuse (why the lock is there)', async () => {
    const { tab, browser } = setup();
    const one = tab({ locks: null });
    const two = tab({ locks: null });
    await one.login('a@b.co', 'right');
    const results = await Promise.allSettled([one.refresh(), two.refresh()]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected']);
    expect(browser.jar.cookie).toBeNull();
  });

  it('refreshes when the access token is about to expire, and schedules a refresh ahead of expiry', async () => {
    const { session, timers, advance } = setup();
    await session.login('a@b.co', 'right');
    expect(timers.at(-1)?.at).toBe(1_000_000 + 900_000 - 60_000);
    advance(899_000);
    expect(await session.getAccessToken()).toBe('a2');
  });

  it('signs out when the cookie is refused', async () => {
    const { session, browser } = setup();
    await session.login('a@b.co', 'right');
    browser.jar.cookie = 'spent';
    await expect(session.refresh()).rejects.toMatchObject({ status: 401 });
    expect(session.getState().status).toBe('signed-out');
  });

  it('signs out when a refresh says the account is disabled (403)', async () => {
    const { session, browser } = setup();
    await session.login('a@b.co', 'right');
    browser.account.disabled = true;
    await expect(session.refresh()).rejects.toMatchObject({ code: 'account_disabled', status: 403 });
    expect(session.getState().status).toBe('signed-out');
  });

  it('logs out: forgets the access token, ends the session on the server, and signs out every other tab', async () => {
    const { session, tab, browser } = setup();
    await session.login('a@b.co', 'right');
    const other = tab();
    await other.restore();
    expect(other.getState().status).toBe('signed-in');
    const otherSignedOut = signedOut(other);

    await session.logout();
    expect(session.getState().status).toBe('signed-out');
    expect(session.peekAccessToken()).toBeNull();
    expect(browser.calls.at(-1)).toEqual({ path: '/api/v1/auth/logout', header: 'cookie', body: {} });
    expect(browser.jar.cookie).toBeNull();
    await otherSignedOut;
    expect(other.peekAccessToken()).toBeNull();

    // A signed-out tab does not try the cookie again on its own (only a sign-in or a reload does).
    const before = browser.calls.length;
    await expect(other.getAccessToken()).rejects.toMatchObject({ code: 'unauthorized', status: 401 });
    expect(browser.calls).toHaveLength(before);
  });
});
