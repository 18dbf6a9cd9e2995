/**
 * Authority: what a verified access token may do *now*. A token proves who signed in and in which
 * session; whether that session is still live, whether the account is still enabled, and which role
 * it has are read from current state, never from the token's claims.
 * Current state is cached per node (a REST call or a socket action must not cost a query) and the
 * cache is dropped by bus messages (`sessions_revoked`, `user_changed`), so a revocation or a role
 * change on any node is seen on every node as soon as the bus delivers it; entries also expire
 * after `cacheMs`, so a node that missed a bus message (Redis outage) is wrong for at most that long.
 * Invariants: a revoked, expired or unknown session, a disabled or deleted account, all refuse;
 * `actorOf` never returns a role other than the stored one.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { Bus, BusMessage } from '../bus/bus.js';
import type { AccountRepository, UserRecord } from './account-repository.js';
import type { Actor } from './actor.js';
import type { SessionRecord, SessionRepository } from './session-repository.js';
import type { AccessClaims } from './tokens.js';

export interface AuthorityOptions {
  /** How long a cached session or account may be trusted without a bus message (ms). */
  cacheMs: number;
  /** `last_used_at` is written at most this often per session (ms). */
  touchEveryMs: number;
}

interface Cached<T> {
  value: T | undefined;
  at: number;
}

const LIMIT = 50_000;

export class Authority {
  private readonly sessions = new Map<string, Cached<SessionRecord>>();
  private readonly accounts = new Map<string, Cached<UserRecord>>();
  private readonly unsubscribe: () => void;
  /** Bumped by every invalidation: a load that started before one is used once but not cached. */
  private epoch = 0;

  constructor(
    private readonly accountRepository: Pick<AccountRepository, 'findUserById'>,
    private readonly sessionRepository: Pick<SessionRepository, 'findSession' | 'touchSession'>,
    bus: Bus,
    private readonly options: AuthorityOptions,
  ) {
    this.unsubscribe = bus.subscribe((message) => this.onBusMessage(message));
  }

  /**
   * The caller a verified token stands for now. Throws `session_revoked` (session ended or past its
   * absolute expiry), `account_disabled`, or `unauthorized` (no such session or account).
   */
  async actorOf(claims: AccessClaims): Promise<Actor> {
    const [session, account] = await Promise.all([this.session(claims.sessionId), this.account(claims.userId)]);
    const now = Date.now();
    if (!session || session.userId !== claims.userId) throw new HeraldError(ErrorCode.Unauthorized, 'unknown session; sign in again');
    if (session.revokedAt !== null) throw new HeraldError(ErrorCode.SessionRevoked, 'this session was ended; sign in again');
    if (session.expiresAt <= now)
      throw new HeraldError(ErrorCode.SessionRevoked, 'this session reached its maximum lifetime; sign in again');
    if (!account) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    if (account.disabledAt !== null) throw new HeraldError(ErrorCode.AccountDisabled, 'this account is disabled');
    if (now - session.lastUsedAt >= this.options.touchEveryMs) {
      session.lastUsedAt = now; // on the cached copy: one write per interval, not one per request
      void this.sessionRepository.touchSession(session.id, now).catch(() => undefined);
    }
    return { userId: account.id, role: account.role, sessionId: session.id };
  }

  /** The account as stored now (cached; dropped on `user_changed`); undefined if it does not exist. */
  async account(userId: string): Promise<UserRecord | undefined> {
    return this.cached(this.accounts, userId, () => this.accountRepository.findUserById(userId));
  }

  /** The user's current role, or undefined when the account is gone or disabled. */
  async roleOf(userId: string): Promise<string | undefined> {
    const account = await this.account(userId);
    return account && account.disabledAt === null ? account.role : undefined;
  }

  /** Drop what this node knows about a user (their account and sessions); the next check reads the database. */
  forgetUser(userId: string): void {
    this.epoch++;
    this.accounts.delete(userId);
    for (const [id, entry] of this.sessions) if (entry.value?.userId === userId) this.sessions.delete(id);
  }

  close(): void {
    this.unsubscribe();
  }

  private async session(sessionId: string): Promise<SessionRecord | undefined> {
    return this.cached(this.sessions, sessionId, () => this.sessionRepository.findSession(sessionId));
  }

  private async cached<T>(map: Map<string, Cached<T>>, key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = map.get(key);
    const now = Date.now();
    if (hit && now - hit.at < this.options.cacheMs) return hit.value;
    const epoch = this.epoch;
    const value = await load();
    // A revocation that arrived while we read may not be in what we read: answer, but do not keep it.
    if (epoch !== this.epoch) return value;
    if (map.size >= LIMIT) map.delete(map.keys().next().value as string);
    map.set(key, { value, at: now });
    return value;
  }

  private onBusMessage(message: BusMessage): void {
    if (message.type === 'sessions_revoked') {
      if (message.sessionIds) {
        this.epoch++;
        for (const id of message.sessionIds) this.sessions.delete(id);
      } else this.forgetUser(message.userId);
    } else if (message.type === 'user_changed') {
      this.forgetUser(message.userId);
    }
  }
}
