/**
 * AuthSession: who is signed in, framework-free. The access token lives in memory only; the refresh
 * token is the server's httpOnly `herald_refresh` cookie (the cookie flow: every auth call sends
 * `X-Herald-Refresh: cookie`), so no script, ours or injected, can read it, and nothing of the
 * sign-in is kept in localStorage (a legacy `herald.refreshToken` key is deleted on start).
 * On start the session tries a refresh with the cookie: signed in if it works, signed out if not.
 * Tokens are refreshed a minute before the access token expires, on demand when a call or the
 * socket was refused (`getAccessToken({refresh: true})`), and at most once at a time.
 * Invariants: the cookie rotates on every refresh and presenting a spent one revokes the session,
 * so refreshes and the logout of every tab of this browser run under one Web Lock (each sends the
 * newest cookie); signing out in one tab signs out every tab (a `herald-auth` BroadcastChannel
 * message; the server also closes the session's sockets when it revokes it).
 */
import { Subscribable } from '@herald/client';
import { type AuthResponse, ErrorCode, HeraldError, type User } from '@herald/protocol';
import { type AuthApi, createAuthApi } from './auth-api';

export type AuthStatus = 'restoring' | 'signed-out' | 'signed-in';

export interface AuthState {
  readonly status: AuthStatus;
  readonly user: User | null;
}

/** The part of a BroadcastChannel the session uses (so tests can pass a pair of fakes). */
export interface AuthChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  close(): void;
}

export interface AuthSessionOptions {
  /** Prefix of API URLs; default '' (same origin, which the cookie needs). */
  baseUrl?: string;
  /** Where the legacy refresh token key is deleted from (default localStorage). */
  storage?: Pick<Storage, 'removeItem'>;
  fetch?: typeof fetch;
  /** Web Locks, when the browser has them (serialises refreshes and logouts across tabs). */
  locks?: Pick<LockManager, 'request'> | null;
  /** The other tabs of this browser (default: a BroadcastChannel named `herald-auth`, when there is one). */
  channel?: AuthChannel | null;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Where earlier versions kept the refresh token; removed on start. */
export const LEGACY_REFRESH_TOKEN_KEY = 'herald.refreshToken';
export const AUTH_CHANNEL = 'herald-auth';
export const AUTH_LOCK = 'herald-auth-refresh';
/** The header that puts an auth call in the cookie flow (also the CSRF defence: a form cannot set it). */
export const COOKIE_FLOW = { 'x-herald-refresh': 'cookie' } as const;
/** Refresh this long before the access token expires. */
const REFRESH_AHEAD_MS = 60_000;

interface SignedOutMessage {
  type: 'signed-out';
}

export class AuthSession extends Subscribable {
  private state: AuthState = { status: 'restoring', user: null };
  private token: string | null = null;
  private expiresAt = 0;
  private refreshing: Promise<string> | null = null;
  private timer: unknown = null;
  /** The auth routes take no access token, so this client has none to give. */
  private readonly rest: AuthApi;
  private readonly storage: NonNullable<AuthSessionOptions['storage']> | null;
  private readonly locks: AuthSessionOptions['locks'];
  private readonly channel: AuthChannel | null;
  private readonly now: () => number;
  private readonly setTimer: NonNullable<AuthSessionOptions['setTimer']>;
  private readonly clearTimer: NonNullable<AuthSessionOptions['clearTimer']>;

  constructor(options: AuthSessionOptions = {}) {
    super();
    this.rest = createAuthApi({ baseUrl: options.baseUrl ?? '', fetch: options.fetch ?? ((input, init) => fetch(input, init)) });
    this.storage = options.storage ?? (typeof localStorage !== 'undefined' ? localStorage : null);
    this.locks = options.locks === undefined ? (typeof navigator !== 'undefined' ? (navigator.locks ?? null) : null) : options.locks;
    this.channel =
      options.channel === undefined
        ? typeof BroadcastChannel !== 'undefined'
          ? new BroadcastChannel(AUTH_CHANNEL)
          : null
        : options.channel;
    this.channel?.addEventListener('message', (event) => {
      if ((event.data as Partial<SignedOutMessage> | null)?.type === 'signed-out') this.signOut();
    });
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  getState = (): AuthState => this.state;

  /** The signed-in user, or null. */
  get user(): User | null {
    return this.state.user;
  }

  /** On start: sign in again with the refresh cookie, if the browser has a valid one. */
  async restore(): Promise<void> {
    this.storage?.removeItem(LEGACY_REFRESH_TOKEN_KEY);
    try {
      await this.refresh();
    } catch {
      // No cookie, a refused one (the server cleared it), or offline: signed out; the login page follows.
      this.setState({ status: 'signed-out', user: null });
    }
  }

  async login(email: string, password: string): Promise<User> {
    return this.accept(await this.rest.login({ body: { email, password }, headers: COOKIE_FLOW }));
  }

  async register(email: string, password: string, name: string): Promise<User> {
    return this.accept(await this.rest.register({ body: { email, password, name }, headers: COOKIE_FLOW }));
  }

  /** Sign out here and in every other tab, and end the session on the server (best effort). */
  async logout(): Promise<void> {
    this.signOut();
    this.channel?.postMessage({ type: 'signed-out' } satisfies SignedOutMessage);
    // Under the refresh lock, so a refresh in flight in another tab cannot rotate the cookie under this call.
    await this.locked(() => this.rest.logout({ body: {}, headers: COOKIE_FLOW })).catch(() => undefined);
  }

  /** A usable access token: refreshed when forced, missing or about to expire. Throws when signed out. */
  async getAccessToken(options: { refresh?: boolean } = {}): Promise<string> {
    if (!options.refresh && this.token && this.expiresAt - this.now() > 5_000) return this.token;
    return this.refresh();
  }

  /** The in-memory access token, if any (no refresh). */
  peekAccessToken(): string | null {
    return this.token;
  }

  /**
   * Trade the refresh cookie for new tokens; concurrent calls share one request. Once signed out it
   * refuses without asking the server: only a sign-in (or the next start) brings the session back, so
   * a call still in flight in a tab signed out by another cannot sign it in again before the logout lands.
   */
  refresh(): Promise<string> {
    if (this.state.status === 'signed-out') return Promise.reject(signedOutError());
    if (!this.refreshing) {
      this.refreshing = this.locked(() => this.doRefresh()).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  /** Stop listening to the other tabs (the app's session lives as long as the page, so only tests call this). */
  close(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.channel?.close();
  }

  private locked<T>(run: () => Promise<T>): Promise<T> {
    return Promise.resolve(this.locks ? this.locks.request(AUTH_LOCK, run) : run());
  }

  private async doRefresh(): Promise<string> {
    // Signed out (by another tab) while this one waited for the lock.
    if (this.state.status === 'signed-out') throw signedOutError();
    try {
      const response = await this.rest.refresh({ body: {}, headers: COOKIE_FLOW });
      this.accept(response);
      return response.accessToken;
    } catch (error) {
      // 401: no session any more. A disabled account (403) is signed out too: nothing but an admin brings it back.
      if (error instanceof HeraldError && (error.status === 401 || error.code === ErrorCode.AccountDisabled)) this.signOut();
      throw error;
    }
  }

  /** Replace the signed-in user's copy (their profile changed); a no-op when signed out or for another user. */
  updateUser(user: User): void {
    if (this.state.status !== 'signed-in' || this.state.user?.id !== user.id) return;
    this.setState({ status: 'signed-in', user });
  }

  private accept(response: AuthResponse): User {
    this.token = response.accessToken;
    this.expiresAt = response.accessTokenExpiresAt;
    this.schedule();
    this.setState({ status: 'signed-in', user: response.user });
    return response.user;
  }

  private schedule(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    const delay = Math.max(5_000, this.expiresAt - this.now() - REFRESH_AHEAD_MS);
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.refresh().catch(() => undefined);
    }, delay);
  }

  private signOut(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    this.token = null;
    this.expiresAt = 0;
    this.setState({ status: 'signed-out', user: null });
  }

  private setState(next: AuthState): void {
    if (next.status === this.state.status && next.user === this.state.user) return;
    this.state = next;
    this.notify();
  }
}

function signedOutError(): HeraldError {
  return new HeraldError(ErrorCode.Unauthorized, 'signed out', undefined, { status: 401 });
}
