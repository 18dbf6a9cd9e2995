/**
 * Bearer authentication for REST: the Authenticator reads `Authorization: Bearer <access token>`,
 * verifies the token, and asks the Authority who the caller is now (session live, account enabled,
 * current role); `requireAdmin` additionally demands the admin role, as stored now.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor.js';
import type { Authority } from '../auth/authority.js';
import type { AccessTokens } from '../auth/tokens.js';

export type Authenticator = (request: FastifyRequest) => Promise<Actor>;

export function bearerAuthenticator(tokens: Pick<AccessTokens, 'verify'>, authority: Pick<Authority, 'actorOf'>): Authenticator {
  return async (request) => {
    const header = request.headers.authorization;
    const match = header?.match(/^Bearer\s+(\S+)$/i);
    if (!match?.[1]) throw new HeraldError(ErrorCode.Unauthorized, 'missing Authorization: Bearer token');
    return authority.actorOf(await tokens.verify(match[1]));
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
