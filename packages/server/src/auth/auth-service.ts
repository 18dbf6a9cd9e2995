/**
 * Accounts and sessions: register, login, refresh (rotating within a session), sign-out, the
 * caller's session list, password change, and an admin's disable / enable / revoke.
 * Invariants:
 * - every sign-in opens a session; access tokens name it (`sid`) and refresh tokens belong to it;
 *   no refresh extends a session past its absolute expiry;
 * - ending a session (any route, any reason) is a database write first and a `sessions_revoked`
 *   bus message second, so every node closes its sockets and drops its cached copy; a bus failure
 *   is logged, never undoes the revocation (the Authority's cache expires on its own);
 * - a refresh token works once; presenting a spent one ends its session (or, with
 *   `refreshReuse: 'all'`, every session of the user): someone else holds a copy;
 * - every password hash and verify goes through the node's hashing queue (`PasswordHasher`), and
 *   every login and registration through `SignInLimits` (global ceiling; logins also the account's
 *   progressive delay) before any hashing starts;
 * - the first account on an empty database is admin (atomically: see AccountRepository.createUser).
 */
import { randomUUID } from 'node:crypto';
import {
  type AuthResponse,
  type ChangePasswordBody,
  CloseReason,
  ErrorCode,
  HeraldError,
  type LoginBody,
  type RegisterBody,
  type SessionSummary,
} from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import { type AccountRepository, publicUser, type UserRecord } from './account-repository.js';
import type { Actor } from './actor.js';
import type { PasswordHasher } from './passwords.js';
import type { SessionRecord, SessionRepository } from './session-repository.js';
import type { SignInLimits } from './sign-in-limits.js';
import { type AccessClaims, AccessTokens, hashRefreshToken, newRefreshToken } from './tokens.js';
import { deviceLabel } from './user-agent.js';

export interface AuthServiceOptions {
  secret: string;
  accessTokenTtlSeconds: number;
  /** Sliding: a session not refreshed for this long ends. */
  refreshTokenTtlSeconds: number;
  /** Absolute: no session outlives this. */
  sessionTtlSeconds: number;
  refreshReuse: 'session' | 'all';
  adminEmail: string | undefined;
}

/** Where a sign-in comes from, kept on its session for the owner's session list. */
export interface SignInContext {
  userAgent: string | undefined;
  ip: string | undefined;
}

/** How passwords are hashed and sign-ins throttled (auth/passwords.ts, auth/sign-in-limits.ts). */
export interface SignInGuards {
  passwords: PasswordHasher;
  limits: SignInLimits;
}

/** Who records security events (audit/audit-log.ts); optional so the service stands alone in tests. */
export interface AuthAudit {
  record(entry: {
    actor: { kind: 'user' | 'api_key' | 'system'; id: string | null };
    action: string;
    targetId?: string | null;
    details?: Record<string, unknown>;
  }): Promise<void>;
}

export class AuthService {
  readonly accessTokens: AccessTokens;

  constructor(
    private readonly accounts: AccountRepository,
    private readonly sessions: SessionRepository,
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly options: AuthServiceOptions,
    private readonly guards: SignInGuards,
    private readonly audit?: AuthAudit,
  ) {
    this.accessTokens = new AccessTokens(options.secret, options.accessTokenTtlSeconds);
  }

  async register(body: RegisterBody, context: SignInContext): Promise<AuthResponse & { refreshToken: string }> {
    if (await this.accounts.findUserByEmail(body.email)) {
      throw new HeraldError(ErrorCode.EmailTaken, 'an account with this email already exists');
    }
    await this.guards.limits.checkGlobal();
    const passwordHash = await this.guards.passwords.hash(body.password);
    const operatorAdmin = body.email === this.options.adminEmail;
    let user: UserRecord;
    try {
      user = await this.accounts.createUser(
        { email: body.email, name: body.name, passwordHash, role: operatorAdmin ? 'admin' : 'user' },
        { firstIsAdmin: true },
      );
    } catch (error) {
      // Two registrations of one email raced; the unique index let one through.
      if (await this.accounts.findUserByEmail(body.email)) {
        throw new HeraldError(ErrorCode.EmailTaken, 'an account with this email already exists');
      }
      throw error;
    }
    if (user.role === 'admin') {
      await this.audit?.record({
        actor: { kind: 'system', id: null },
        action: 'user.admin_granted',
        targetId: user.id,
        details: { reason: operatorAdmin ? 'HERALD_ADMIN_EMAIL' : 'first account' },
      });
    }
    return this.openSession(user, body.deviceName, context);
  }

  async login(body: LoginBody, context: SignInContext): Promise<AuthResponse & { refreshToken: string }> {
    const { passwords, limits } = this.guards;
    await limits.checkGlobal();
    // Before the password is looked at: during an account's delay no guess is checked at all.
    await limits.admitAccount(body.email);
    const user = await this.accounts.findUserByEmail(body.email);
    let ok: boolean;
    try {
      ok = user ? await passwords.verify(user.passwordHash, body.password) : await passwords.verifyDecoy(body.password);
    } catch (error) {
      await limits.refund(body.email); // refused by the hashing queue: nothing was checked
      throw error;
    }
    if (!user || !ok) throw new HeraldError(ErrorCode.InvalidCredentials, 'wrong email or password');
    await limits.succeeded(body.email);
    if (passwords.outdated(user.passwordHash)) void this.rehash(user, body.password);
    // Only after the password checked out, so a disabled account is not an oracle for passwords.
    if (user.disabledAt !== null) throw new HeraldError(ErrorCode.AccountDisabled, 'this account is disabled');
    return this.openSession(user, body.deviceName, context);
  }

  async refresh(refreshToken: string): Promise<AuthResponse & { refreshToken: string }> {
    const record = await this.accounts.findRefreshToken(hashRefreshToken(refreshToken));
    if (!record) throw new HeraldError(ErrorCode.Unauthorized, 'unknown refresh token');
    if (record.sessionId === null) throw new HeraldError(ErrorCode.Unauthorized, 'this refresh token predates sessions; sign in again');
    if (record.revokedAt !== null) {
      await this.refreshReused(record.userId, record.sessionId);
      throw new HeraldError(ErrorCode.SessionRevoked, 'refresh token already used; the session was ended');
    }
    const now = Date.now();
    if (record.expiresAt <= now) throw new HeraldError(ErrorCode.Unauthorized, 'refresh token expired');
    const session = await this.sessions.findSession(record.sessionId);
    if (!session || session.revokedAt !== null) throw new HeraldError(ErrorCode.SessionRevoked, 'this session was ended; sign in again');
    if (session.expiresAt <= now)
      throw new HeraldError(ErrorCode.SessionRevoked, 'this session reached its maximum lifetime; sign in again');
    const user = await this.accounts.findUserById(record.userId);
    if (!user) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    if (user.disabledAt !== null) throw new HeraldError(ErrorCode.AccountDisabled, 'this account is disabled');
    if (!(await this.accounts.revokeRefreshToken(record.id))) {
      // Another request rotated it a moment ago (two tabs without a shared lock); not a theft signal by itself.
      throw new HeraldError(ErrorCode.Unauthorized, 'refresh token already used');
    }
    await this.sessions.touchSession(session.id, now);
    return this.issue(user, session);
  }

  /** End the session of a refresh token (unknown or spent tokens: nothing to do). */
  async logout(refreshToken: string): Promise<void> {
    const record = await this.accounts.findRefreshToken(hashRefreshToken(refreshToken));
    if (!record?.sessionId) return;
    await this.endSessions(record.userId, [record.sessionId], 'signed_out');
  }

  /** End the caller's own session (sign-out with only an access token). */
  async signOut(actor: Actor): Promise<void> {
    await this.endSessions(actor.userId, [actor.sessionId], 'signed_out');
  }

  async listSessions(actor: Actor): Promise<SessionSummary[]> {
    const live = await this.sessions.liveSessions(actor.userId, Date.now());
    return live.map((s) => ({
      id: s.id,
      deviceName: s.deviceName,
      userAgent: s.userAgent,
      createdAt: s.createdAt,
      lastUsedAt: s.lastUsedAt,
      expiresAt: s.expiresAt,
      current: s.id === actor.sessionId,
    }));
  }

  /** End one of the caller's sessions; `not_found` for a session that is not theirs or already ended. */
  async revokeSession(actor: Actor, sessionId: string): Promise<void> {
    const session = await this.sessions.findSession(sessionId);
    if (!session || session.userId !== actor.userId || session.revokedAt !== null) {
      throw new HeraldError(ErrorCode.NotFound, 'no such live session of yours');
    }
    await this.endSessions(actor.userId, [sessionId], 'revoked');
  }

  /** End every session of the caller but the current one; resolves with how many ended. */
  async revokeOtherSessions(actor: Actor): Promise<number> {
    return this.endAllSessions(actor.userId, 'revoked_others', CloseReason.SessionRevoked, actor.sessionId);
  }

  /** Change the caller's password after checking the current one; every other session ends. */
  async changePassword(actor: Actor, body: ChangePasswordBody): Promise<number> {
    const user = await this.accounts.findUserById(actor.userId);
    if (!user) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    if (!(await this.guards.passwords.verify(user.passwordHash, body.currentPassword))) {
      throw new HeraldError(ErrorCode.InvalidCredentials, 'the current password is wrong');
    }
    await this.accounts.setPasswordHash(user.id, await this.guards.passwords.hash(body.newPassword));
    const revoked = await this.endAllSessions(user.id, 'password_changed', CloseReason.SessionRevoked, actor.sessionId);
    await this.audit?.record({
      actor: { kind: 'user', id: actor.userId },
      action: 'user.password_changed',
      targetId: user.id,
      details: { revoked },
    });
    return revoked;
  }

  /** Admin: disable (every session ends, sign-in refused) or enable an account. */
  async setDisabled(admin: Actor, userId: string, disabled: boolean): Promise<{ userId: string; disabled: boolean; revoked: number }> {
    if (disabled && userId === admin.userId) throw new HeraldError(ErrorCode.BadRequest, 'you cannot disable your own account');
    if (!(await this.accounts.setUserDisabled(userId, disabled ? Date.now() : null))) {
      throw new HeraldError(ErrorCode.NotFound, 'no such user');
    }
    await this.publish({ type: 'user_changed', userId });
    const revoked = disabled ? await this.endAllSessions(userId, 'account_disabled', CloseReason.AccountDisabled) : 0;
    await this.audit?.record({
      actor: { kind: 'user', id: admin.userId },
      action: disabled ? 'user.disabled' : 'user.enabled',
      targetId: userId,
      details: { revoked },
    });
    return { userId, disabled, revoked };
  }

  /** Admin: end every session of a user. */
  async revokeUserSessions(admin: Actor, userId: string): Promise<number> {
    if (!(await this.accounts.findUserById(userId))) throw new HeraldError(ErrorCode.NotFound, 'no such user');
    const revoked = await this.endAllSessions(userId, 'admin', CloseReason.SessionRevoked);
    await this.audit?.record({
      actor: { kind: 'user', id: admin.userId },
      action: 'user.sessions_revoked',
      targetId: userId,
      details: { revoked },
    });
    return revoked;
  }

  /** Verify an access token's signature and expiry only; throws `unauthorized` or `token_expired`. Authority decides the rest. */
  verify(token: string): Promise<AccessClaims> {
    return this.accessTokens.verify(token);
  }

  private async openSession(
    user: UserRecord,
    deviceName: string | undefined,
    context: SignInContext,
  ): Promise<AuthResponse & { refreshToken: string }> {
    const userAgent = context.userAgent?.slice(0, 512) ?? null;
    const session = await this.sessions.createSession({
      userId: user.id,
      deviceName: deviceName ?? deviceLabel(userAgent),
      userAgent,
      ip: context.ip ?? null,
      expiresAt: Date.now() + this.options.sessionTtlSeconds * 1000,
    });
    return this.issue(user, session);
  }

  private async issue(user: UserRecord, session: SessionRecord): Promise<AuthResponse & { refreshToken: string }> {
    const access = await this.accessTokens.sign(user.id, user.role, session.id);
    const refresh = newRefreshToken();
    const refreshTokenExpiresAt = Math.min(Date.now() + this.options.refreshTokenTtlSeconds * 1000, session.expiresAt);
    await this.accounts.insertRefreshToken({
      id: randomUUID(),
      userId: user.id,
      sessionId: session.id,
      tokenHash: refresh.hash,
      expiresAt: refreshTokenExpiresAt,
    });
    return {
      user: publicUser(user),
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
      sessionId: session.id,
    };
  }

  /** Re-hash a password stored with older parameters (best effort: a full queue or a failed write waits for the next sign-in). */
  private async rehash(user: UserRecord, password: string): Promise<void> {
    try {
      const fresh = await this.guards.passwords.hash(password);
      // Not over a password changed meanwhile (the hash is slow; the re-read narrows the window to one query).
      if ((await this.accounts.findUserById(user.id))?.passwordHash !== user.passwordHash) return;
      await this.accounts.setPasswordHash(user.id, fresh);
    } catch (error) {
      this.log.debug({ err: error, userId: user.id }, 'password not re-hashed this time');
    }
  }

  private async refreshReused(userId: string, sessionId: string): Promise<void> {
    this.log.warn({ userId, sessionId }, 'spent refresh token presented again: ending the session');
    if (this.options.refreshReuse === 'all') await this.endAllSessions(userId, 'refresh_reuse', CloseReason.SessionRevoked);
    else await this.endSessions(userId, [sessionId], 'refresh_reuse');
    await this.audit?.record({
      actor: { kind: 'system', id: null },
      action: 'session.refresh_reuse',
      targetId: userId,
      details: { sessionId },
    });
  }

  private async endSessions(userId: string, sessionIds: string[], reason: string): Promise<void> {
    const ended: string[] = [];
    for (const id of sessionIds) if (await this.sessions.revokeSession(id, reason)) ended.push(id);
    // Published even when the row was already revoked: a node that missed the first message gets another chance.
    await this.publish({ type: 'sessions_revoked', userId, sessionIds, closeReason: CloseReason.SessionRevoked });
    if (ended.length > 0) this.log.info({ userId, sessionIds: ended, reason }, 'sessions ended');
  }

  private async endAllSessions(userId: string, reason: string, closeReason: CloseReason, exceptSessionId?: string): Promise<number> {
    const ended = await this.sessions.revokeUserSessions(userId, reason, exceptSessionId);
    await this.publish({ type: 'sessions_revoked', userId, sessionIds: null, exceptSessionId, closeReason });
    if (ended.length > 0) this.log.info({ userId, count: ended.length, reason }, 'sessions ended');
    return ended.length;
  }

  private async publish(message: Parameters<Bus['publish']>[0]): Promise<void> {
    try {
      await this.bus.publish(message);
    } catch (error) {
      this.log.warn({ err: error, type: message.type }, 'could not publish a revocation; other nodes learn of it when their cache expires');
    }
  }
}
