/**
 * Access tokens (short-lived HS256 JWTs, via jose) and refresh tokens (random, stored hashed).
 * Invariant: a refresh token's plaintext exists only in the response that issued it.
 */
import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, HeraldError } from '@herald/protocol';
import { errors, jwtVerify, SignJWT } from 'jose';

export interface AccessClaims {
  userId: string;
  /** The role when the token was signed: informational only; authority is read from current state (authority.ts). */
  role: string;
  /** The session (`sid`) the token belongs to; ending the session ends the token. */
  sessionId: string;
  /** ms epoch */
  expiresAt: number;
}

const ISSUER = 'herald';

export class AccessTokens {
  /** A CryptoKey imported once: given raw bytes (or a KeyObject), jose imports one on every sign and verify (a connect storm paid it per socket). */
  private readonly key: Promise<webcrypto.CryptoKey>;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
      'sign',
      'verify',
    ]);
  }

  async sign(userId: string, role: string, sessionId: string): Promise<{ token: string; expiresAt: number }> {
    const expiresAt = Math.floor(Date.now() / 1000) + this.ttlSeconds;
    const token = await new SignJWT({ role, sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(await this.key);
    return { token, expiresAt: expiresAt * 1000 };
  }

  /** Verify signature, issuer and expiry; throws HeraldError `token_expired` or `unauthorized`. */
  async verify(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, await this.key, { issuer: ISSUER, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.role !== 'string' || typeof payload.exp !== 'number') {
        throw new HeraldError(ErrorCode.Unauthorized, 'token is missing claims');
      }
      // Tokens signed before sessions existed carry no `sid`: they cannot be revoked, so they are refused.
      if (typeof payload.sid !== 'string') throw new HeraldError(ErrorCode.Unauthorized, 'token has no session; sign in again');
      return { userId: payload.sub, role: payload.role, sessionId: payload.sid, expiresAt: payload.exp * 1000 };
    } catch (error) {
      if (error instanceof HeraldError) throw error;
      if (error instanceof errors.JWTExpired) throw new HeraldError(ErrorCode.TokenExpired, 'access token expired');
      throw new HeraldError(ErrorCode.Unauthorized, 'invalid access token');
    }
  }
}

/** A new refresh token and the hash to store for it. */
export function newRefreshToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** The configured secret, or one generated once and kept (0600) in the data dir for development. */
export function resolveJwtSecret(configured: string | undefined, dataDir: string): string {
  if (configured) return configured;
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
