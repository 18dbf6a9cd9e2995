/**
 * Accounts and sessions: register, login, refresh (rotating), logout, and access-token checks.
 * Invariants: the first account (or HERALD_ADMIN_EMAIL) is admin; a refresh token works once,
 * and presenting an already-used one revokes every refresh token of that user (theft signal).
 */
import { randomUUID } from 'node:crypto';
import { type AuthResponse, ErrorCode, HeraldError, type LoginBody, type RegisterBody, type User } from '@herald/protocol';
import type { AccountRepository, UserRecord } from './account-repository.js';
import { decoyHash, hashPassword, verifyPassword } from './passwords.js';
import { type AccessClaims, AccessTokens, hashRefreshToken, newRefreshToken } from './tokens.js';

export interface AuthServiceOptions {
  secret: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  adminEmail: string | undefined;
}

function publicUser({ passwordHash: _hidden, ...user }: UserRecord): User {
  return user;
}

export class AuthService {
  readonly accessTokens: AccessTokens;

  constructor(
    private readonly accounts: AccountRepository,
    private readonly options: AuthServiceOptions,
  ) {
    this.accessTokens = new AccessTokens(options.secret, options.accessTokenTtlSeconds);
  }

  async register(body: RegisterBody): Promise<AuthResponse> {
    if (await this.accounts.findUserByEmail(body.email)) {
      throw new HeraldError(ErrorCode.EmailTaken, 'an account with this email already exists');
    }
    const isAdmin = body.email === this.options.adminEmail || (await this.accounts.countUsers()) === 0;
    let user: UserRecord;
    try {
      user = await this.accounts.createUser({
        email: body.email,
        name: body.name,
        passwordHash: await hashPassword(body.password),
        role: isAdmin ? 'admin' : 'user',
      });
    } catch (error) {
      // Two registrations of one email raced; the unique index let one through.
      if (await this.accounts.findUserByEmail(body.email)) {
        throw new HeraldError(ErrorCode.EmailTaken, 'an account with this email already exists');
      }
      throw error;
    }
    return this.issue(user);
  }

  async login(body: LoginBody): Promise<AuthResponse> {
    const user = await this.accounts.findUserByEmail(body.email);
    const ok = await verifyPassword(user?.passwordHash ?? (await decoyHash()), body.password);
    if (!user || !ok) throw new HeraldError(ErrorCode.InvalidCredentials, 'wrong email or password');
    return this.issue(user);
  }

  async refresh(refreshToken: string): Promise<AuthResponse> {
    const record = await this.accounts.findRefreshToken(hashRefreshToken(refreshToken));
    if (!record) throw new HeraldError(ErrorCode.Unauthorized, 'unknown refresh token');
    if (record.revokedAt !== null) {
      await this.accounts.revokeUserRefreshTokens(record.userId);
      throw new HeraldError(ErrorCode.Unauthorized, 'refresh token already used; all sessions revoked');
    }
    if (record.expiresAt <= Date.now()) throw new HeraldError(ErrorCode.Unauthorized, 'refresh token expired');
    if (!(await this.accounts.revokeRefreshToken(record.id))) {
      throw new HeraldError(ErrorCode.Unauthorized, 'refresh token already used');
    }
    const user = await this.accounts.findUserById(record.userId);
    if (!user) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    return this.issue(user);
  }

  async logout(refreshToken: string): Promise<void> {
    const record = await this.accounts.findRefreshToken(hashRefreshToken(refreshToken));
    if (record) await this.accounts.revokeRefreshToken(record.id);
  }

  /** Verify an access token; throws HeraldError `unauthorized` or `token_expired`. */
  verify(token: string): Promise<AccessClaims> {
    return this.accessTokens.verify(token);
  }

  private async issue(user: UserRecord): Promise<AuthResponse> {
    const access = await this.accessTokens.sign(user.id, user.role);
    const refresh = newRefreshToken();
    const refreshTokenExpiresAt = Date.now() + this.options.refreshTokenTtlSeconds * 1000;
    await this.accounts.insertRefreshToken({
      id: randomUUID(),
      userId: user.id,
      tokenHash: refresh.hash,
      expiresAt: refreshTokenExpiresAt,
    });
    return {
      user: publicUser(user),
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken: refresh.token,
      refreshTokenExpiresAt,
    };
  }
}
