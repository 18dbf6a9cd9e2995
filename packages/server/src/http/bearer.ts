/**
 * Bearer authentication for REST: `requireUser` reads `Authorization: Bearer <access token>`
 * and returns the caller; `requireAdmin` additionally demands the admin role.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import type { AuthService } from '../auth/auth-service.js';

export type Authenticator = (request: FastifyRequest) => Promise<Actor>;

export function bearerAuthenticator(auth: AuthService): Authenticator {
  return async (request) => {
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw new HeraldError(ErrorCode.Unauthorized, 'missing Authorization: Bearer token');
    const claims = await auth.verify(match[1]);
    return { userId: claims.userId, role: claims.role };
  };
}

export async function requireAdmin(authenticate: Authenticator, request: FastifyRequest): Promise<Actor> {
  const actor = await authenticate(request);
  if (actor.role !== 'admin') {
    request.log.warn({ userId: actor.userId, url: request.url }, 'refused: admin route');
    throw new HeraldError(ErrorCode.Forbidden, 'admins only');
  }
  return actor;
}
