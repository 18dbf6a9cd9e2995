/**
 * /api/v1/auth/*: accounts, tokens (body or cookie flow, see refresh-cookie.ts), the caller's
 * sessions and password; and the admin's account controls (disable, enable, end sessions).
 */

import fastifyCookie from '@fastify/cookie';
import { type AuthResponse, ErrorCode, HeraldError, restContract } from '@herald/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { UserDirectory } from '../users/user-directory.js';
import { type AccountRepository, publicUser } from './account-repository.js';
import type { AuthService, SignInContext } from './auth-service.js';
import type { RefreshCookie } from './refresh-cookie.js';
import type { SignInLimits } from './sign-in-limits.js';

export interface AuthRoutesDeps {
  auth: AuthService;
  accounts: AccountRepository;
  users: UserDirectory;
  authenticate: Authenticator;
  refreshCookie: RefreshCookie;
  /** Per-IP limit of the sign-in routes (and the global and per-account throttles the service applies). */
  signInLimits: SignInLimits;
}

export async function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): Promise<void> {
  const { auth, accounts, authenticate, refreshCookie: cookie } = deps;
  const route = contractRoutes(app, { authenticate });
  const contract = restContract.auth;
  await app.register(fastifyCookie);
  // Per IP, counted in the shared CounterStore (so it holds across nodes), before the body is even read.
  const limited = (name: string) => ({
    onRequest: async (request: FastifyRequest) => deps.signInLimits.checkIp(name, request.ip),
  });
  const context = (request: FastifyRequest): SignInContext => ({ userAgent: request.headers['user-agent'], ip: request.ip });
  /** The answer as the request's flow wants it: the refresh token in the body, or only in the cookie. */
  const signedIn = (request: FastifyRequest, reply: FastifyReply, tokens: AuthResponse & { refreshToken: string }): AuthResponse => {
    if (!cookie.inUse(request)) return tokens;
    cookie.set(request, reply, tokens.refreshToken, tokens.refreshTokenExpiresAt);
    const { refreshToken: _inCookie, ...body } = tokens;
    return body;
  };

  route(contract.register, limited('register'), async ({ body, request, reply }) => {
    cookie.inUse(request); // a foreign origin is refused before anything is created
    return { status: 201, body: signedIn(request, reply, await auth.register(body, context(request))) };
  });

  route(contract.login, limited('login'), async ({ body, request, reply }) => {
    cookie.inUse(request);
    return { status: 200, body: signedIn(request, reply, await auth.login(body, context(request))) };
  });

  route(contract.refresh, limited('refresh'), async ({ body, request, reply }) => {
    const viaCookie = cookie.inUse(request);
    const token = viaCookie ? cookie.read(request) : body.refreshToken;
    if (!token) {
      throw new HeraldError(
        viaCookie ? ErrorCode.Unauthorized : ErrorCode.BadRequest,
        viaCookie ? 'no refresh cookie; sign in' : 'refreshToken is required (or use the cookie flow: X-Herald-Refresh: cookie)',
      );
    }
    try {
      return { status: 200, body: signedIn(request, reply, await auth.refresh(token)) };
    } catch (error) {
      if (viaCookie) cookie.clear(request, reply); // a refused cookie is useless; do not keep sending it
      throw error;
    }
  });

  route(contract.logout, async ({ body, request, reply }) => {
    const viaCookie = cookie.inUse(request);
    const token = viaCookie ? cookie.read(request) : body.refreshToken;
    if (viaCookie) cookie.clear(request, reply);
    if (token) await auth.logout(token);
    // Neither token: a Bearer access token names the session to end.
    else if (request.headers.authorization) await auth.signOut(await authenticate(request));
    else if (!viaCookie) throw new HeraldError(ErrorCode.BadRequest, 'send the refreshToken, use the cookie flow, or a Bearer token');
    return { status: 204 };
  });

  route(contract.me, async ({ actor }) => {
    const user = await accounts.findUserById(actor.userId);
    if (!user) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    return { status: 200, body: { user: publicUser(user) } };
  });

  route(contract.sessions, async ({ actor }) => ({ status: 200, body: { sessions: await auth.listSessions(actor) } }));

  route(contract.revokeSession, async ({ actor, params }) => {
    await auth.revokeSession(actor, params.id);
    return { status: 204 };
  });

  route(contract.revokeOtherSessions, async ({ actor }) => ({ status: 200, body: { revoked: await auth.revokeOtherSessions(actor) } }));

  route(contract.changePassword, limited('changePassword'), async ({ actor, body }) => ({
    status: 200,
    body: { revoked: await auth.changePassword(actor, body) },
  }));

  const admin = restContract.admin;
  route(admin.disableUser, async ({ actor, params }) => ({ status: 200, body: await auth.setDisabled(actor, params.id, true) }));

  route(admin.enableUser, async ({ actor, params }) => ({ status: 200, body: await auth.setDisabled(actor, params.id, false) }));

  route(admin.revokeUserSessions, async ({ actor, params }) => ({
    status: 200,
    body: { revoked: await auth.revokeUserSessions(actor, params.id) },
  }));
}
