/**
 * The browser's refresh credential: an httpOnly cookie instead of a token script can read.
 * A request opts in with the header `X-Herald-Refresh: cookie`; the refresh token then travels only
 * as the `herald_refresh` cookie (HttpOnly, SameSite=Strict, Path=/api/v1/auth, Secure outside
 * plain-http development), and answers leave it out of their JSON.
 * CSRF: the opt-in header is the defence (a cross-site form cannot set a custom header, and a
 * cross-origin fetch with one needs a CORS preflight Herald never grants), SameSite=Strict keeps
 * the cookie off cross-site requests anyway, and a cookie-flow request whose Origin is foreign is
 * refused outright. Without the header the cookie is never read, so it cannot be ridden.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type OriginPolicyOptions, originAllowed } from '../gateway/origin-policy.js';

export const REFRESH_COOKIE = 'herald_refresh';
export const REFRESH_MODE_HEADER = 'x-herald-refresh';
/** The only path the cookie is sent to. */
export const REFRESH_COOKIE_PATH = '/api/v1/auth';

export interface RefreshCookieOptions {
  origins: OriginPolicyOptions;
  /** Always mark the cookie Secure (production); otherwise only when the request came over TLS. */
  alwaysSecure: boolean;
}

export class RefreshCookie {
  constructor(private readonly options: RefreshCookieOptions) {}

  /** Whether the request uses the cookie flow; throws `forbidden` for a cookie-flow request from a foreign origin. */
  inUse(request: FastifyRequest): boolean {
    if (request.headers[REFRESH_MODE_HEADER] !== 'cookie') return false;
    if (!originAllowed(request.raw, this.options.origins)) {
      request.log.warn({ origin: request.headers.origin }, 'refused: cookie-flow auth request from a foreign origin');
      throw new HeraldError(ErrorCode.Forbidden, 'this origin may not use the refresh cookie');
    }
    return true;
  }

  /** The refresh token of a cookie-flow request, if the cookie is there. */
  read(request: FastifyRequest): string | undefined {
    const value = request.cookies[REFRESH_COOKIE];
    return value === undefined || value === '' ? undefined : value;
  }

  set(request: FastifyRequest, reply: FastifyReply, token: string, expiresAt: number): void {
    reply.setCookie(REFRESH_COOKIE, token, {
      ...this.attributes(request),
      maxAge: Math.max(0, Math.floor((expiresAt - Date.now()) / 1000)),
    });
  }

  clear(request: FastifyRequest, reply: FastifyReply): void {
    reply.clearCookie(REFRESH_COOKIE, this.attributes(request));
  }

  private attributes(request: FastifyRequest) {
    return {
      httpOnly: true,
      sameSite: 'strict' as const,
      path: REFRESH_COOKIE_PATH,
      secure: this.options.alwaysSecure || request.protocol === 'https',
    };
  }
}
