/**
 * AuthSession: who is signed in, framework-free. The access token lives in memory only; the
 * refresh token in localStorage (so a reload stays signed in). Tokens are refreshed a minute before
 * the access token expires, on demand when a call or the socket was refused (`getAccessToken({refresh:
 * true})`), and at most once at a time. Refresh tokens rotate and reusing a spent one revokes them
 * all, so tabs refresh under a Web Lock and always read the newest refresh token from storage.
 */
import { Subscribable } from '@herald/client';
import { type AuthResponse, createRestClient, ErrorCode, HeraldError, type RestClient, type User } from '@herald/protocol';

export type AuthStatus = 'restoring' | 'signed-out' | 'signed-in';

export interface AuthState {
  readonly status: AuthStatus;
  readonly user: User | null;
}

export interface AuthSessionOptions {
  /** Prefix of API URLs; default '' (same origin). */
  baseUrl?: string;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  fetch?: typeof fetch;
  /** Web Locks, when the browser has them (serialises refreshes across tabs). */
  locks?: Pick<LockManager, 'request'> | null;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

export const REFRESH_TOKEN_KEY = 'herald.refreshToken';
/** Refresh this long before the access token expires. */
const REFRESH_AHEAD_MS = 60_000;

export class AuthSession extends Subscribable {
  private state: AuthState = { status: 'restoring', user: null };
  private token: string | null = null;
  private expiresAt = 0;
  private refreshing: Promise<string> | null = null;
  private timer: unknown = null;
  /** The auth routes take no access token, so this client has none to give. */
  private readonly rest: RestClient;
  private readonly storage: NonNullable<AuthSessionOptions['storage']>;
  private readonly locks: AuthSessionOptions['locks'];
  private readonly now: () => number;
  private readonly setTimer: NonNullable<AuthSessionOptions['setTimer']>;
  private readonly clearTimer: NonNullable<AuthSessionOptions['clearTimer']>;

  constructor(options: AuthSessionOptions = {}) {
    super();
    this.rest = createRestClient({ baseUrl: options.baseUrl ?? '', fetch: options.fetch ?? ((input, init) => fetch(input, init)) });
    this.storage = options.storage ?? localStorage;
    this.locks = options.locks === undefined ? (typeof navigator !== 'undefined' ? (navigator.locks ?? null) : null) : options.locks;
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  }

  getState = (): AuthState => this.state;

  /** The signed-in user, or null. */
  get user(): User | null {
    return this.state.user;
  }

  /** On start: sign in again from a stored refresh token, if there is one. */
  async restore(): Promise<void> {
    if (!this.storage.getItem(REFRESH_TOKEN_KEY)) {
      this.setState({ status: 'signed-out', user: null });
      return;
    }
    try {
      await this.refresh();
    } catch (error) {
      // Offline at start: stay signed out for now rather than guessing; the refresh token is kept unless refused.
      if (!(error instanceof HeraldError) || error.status !== 0) this.storage.removeItem(REFRESH_TOKEN_KEY);
      this.setState({ status: 'signed-out', user: null });
    }
  }

  async login(email: string, password: string): Promise<User> {
    return this.accept(await this.rest.auth.login({ body: { email, password } }));
  }

  async register(email: string, password: string, name: string): Promise<User> {
    return this.accept(await this.rest.auth.register({ body: { email, password, name } }));
  }

  /** Revoke the refresh token (best effort) and forget everything. */
  async logout(): Promise<void> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    this.signOut();
    if (refreshToken) await this.rest.auth.logout({ body: { refreshToken } }).catch(() => undefined);
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

  /** Trade the stored refresh token for new tokens; concurrent calls share one request. */
  refresh(): Promise<string> {
    if (!this.refreshing) {
      const run = () => this.doRefresh();
      const locked = this.locks ? this.locks.request('herald-auth-refresh', run) : run();
      this.refreshing = Promise.resolve(locked).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  private async doRefresh(): Promise<string> {
    const refreshToken = this.storage.getItem(REFRESH_TOKEN_KEY);
    if (!refreshToken) {
      this.signOut();
      throw new HeraldError(ErrorCode.Unauthorized, 'signed out', undefined, { status: 401 });
    }
    try {
      const response = await this.rest.auth.refresh({ body: { refreshToken } });
      this.accept(response);
      return response.accessToken;
    } catch (error) {
      if (error instanceof HeraldError && error.status === 401) this.signOut();
      throw error;
    }
  }

  private accept(response: AuthResponse): User {
    this.token = response.accessToken;
    this.expiresAt = response.accessTokenExpiresAt;
    this.storage.setItem(REFRESH_TOKEN_KEY, response.refreshToken);
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
    this.storage.removeItem(REFRESH_TOKEN_KEY);
    this.setState({ status: 'signed-out', user: null });
  }

  private setState(next: AuthState): void {
    if (next.status === this.state.status && next.user === this.state.user) return;
    this.state = next;
    this.notify();
  }
}
