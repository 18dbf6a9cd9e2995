/**
 * SignInLimits: the throttles in front of password checks, all counted in the node's CounterStore
 * (Redis when configured, so each holds across the cluster):
 * - `login_ip`: sign-in routes (register, login, refresh, password change) per client IP per minute,
 *   each route its own budget;
 * - `login_global`: logins and registrations per minute across the whole cluster, a ceiling on the
 *   hashing work anyone can ask of it;
 * - `login_account`: progressive delay per account (normalised email, known or not, so the answer
 *   never reveals whether an account exists). The first `failures` attempts since the last success
 *   are free; each one after that must wait for the previous one's delay, which doubles from
 *   `baseDelayMs` up to `maxDelayMs`. A success clears it.
 * Invariants: a refused attempt never reaches the password check (no guess is verified during a
 * delay) and does not lengthen the delay; after the delay the right password works, so an attacker
 * can slow a victim's sign-in but not lock it for longer than `maxDelayMs` at a time, and sessions
 * already signed in (refresh) are never affected. Concurrent attempts cannot slip through a delay
 * together: past the free ones, an attempt only proceeds if it is the one that opened the delay.
 */
import type { CounterStore } from '../limits/counter-store.js';
import { rateLimited } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';

export interface SignInLimitsOptions {
  /** Requests per minute per IP on each sign-in route (HERALD_LOGIN_RATE_LIMIT). */
  ipPerMinute: number;
  /** Logins + registrations per minute, whole cluster (HERALD_LOGIN_GLOBAL_PER_MINUTE). */
  globalPerMinute: number;
  /** Attempts per account since its last success before delays start (HERALD_LOGIN_ACCOUNT_FAILURES). */
  accountFailures: number;
  /** How long an account's failed attempts are remembered (HERALD_LOGIN_ACCOUNT_WINDOW, in ms here). */
  accountWindowMs: number;
  /** The first delay; each further attempt doubles it. */
  accountBaseDelayMs: number;
  /** The longest delay (HERALD_LOGIN_ACCOUNT_MAX_DELAY, in ms here). */
  accountMaxDelayMs: number;
}

const MINUTE = 60_000;

export class SignInLimits {
  constructor(
    private readonly counters: CounterStore,
    private readonly options: SignInLimitsOptions,
    private readonly metrics?: Pick<Metrics, 'limitRejections'>,
  ) {}

  /** Counts a request to `route` from `ip`; throws `rate_limited` (`login_ip`) past the per-minute limit. */
  async checkIp(route: string, ip: string): Promise<void> {
    const { count, resetInMs } = await this.counters.hit(`signin:ip:${route}:${ip}`, MINUTE);
    if (count > this.options.ipPerMinute) {
      throw rateLimited('login_ip', resetInMs, 'too many sign-in attempts from this address; try again later', this.metrics);
    }
  }

  /** Counts a login or registration cluster-wide; throws `rate_limited` (`login_global`) past the ceiling. */
  async checkGlobal(): Promise<void> {
    const { count, resetInMs } = await this.counters.hit('signin:global', MINUTE);
    if (count > this.options.globalPerMinute) {
      throw rateLimited('login_global', resetInMs, 'the server is taking too many sign-ins; try again shortly', this.metrics);
    }
  }

  /**
   * Admits a login attempt for `email` or throws `rate_limited` (`login_account`) while its delay
   * runs. An admitted attempt counts as a failure until `succeeded` (or `refund`) says otherwise.
   */
  async admitAccount(email: string): Promise<void> {
    const account = normalise(email);
    const delay = await this.counters.peek(delayKey(account));
    if (delay.count > 0) throw this.delayed(delay.resetInMs);
    const { count } = await this.counters.hit(attemptsKey(account), this.options.accountWindowMs);
    const over = count - this.options.accountFailures;
    if (over <= 0) return;
    const delayMs = Math.min(this.options.accountBaseDelayMs * 2 ** Math.min(over - 1, 30), this.options.accountMaxDelayMs);
    // The delay starts now and covers the attempt after this one; a concurrent attempt that hit the
    // same moment finds the delay already opened (count > 1) and is refused, not checked.
    const opened = await this.counters.hit(delayKey(account), delayMs);
    if (opened.count > 1) {
      await this.counters.hit(attemptsKey(account), this.options.accountWindowMs, -1);
      throw this.delayed(opened.resetInMs);
    }
  }

  /** The password was right: the account's failures and delay are forgotten. */
  async succeeded(email: string): Promise<void> {
    const account = normalise(email);
    await Promise.all([this.counters.reset(attemptsKey(account)), this.counters.reset(delayKey(account))]);
  }

  /** An admitted attempt was never checked (the hashing queue refused it): it does not count. */
  async refund(email: string): Promise<void> {
    await this.counters.hit(attemptsKey(normalise(email)), this.options.accountWindowMs, -1);
  }

  private delayed(retryAfterMs: number) {
    return rateLimited('login_account', retryAfterMs, 'too many failed sign-ins for this account; try again later', this.metrics);
  }
}

function normalise(email: string): string {
  return email.trim().toLowerCase();
}

const attemptsKey = (account: string) => `signin:account:${account}`;
const delayKey = (account: string) => `signin:delay:${account}`;
