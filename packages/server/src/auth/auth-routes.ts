/**
 * /api/v1/auth/* and /api/v1/users: accounts, tokens, roles, user search.
 */

import rateLimit from '@fastify/rate-limit';
import { ErrorCode, HeraldError, restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { UserDirectory } from '../users/user-directory.js';
import type { AccountRepository } from './account-repository.js';
import type { AuthService } from './auth-service.js';

export interface AuthRoutesDeps {
  auth: AuthService;
  accounts: AccountRepository;
  users: UserDirectory;
  authenticate: Authenticator;
  loginRateLimit: number;
}

export async function authRoutes(app: FastifyInstance, deps: AuthRoutesDeps): Promise<void> {
  const { auth, accounts, authenticate } = deps;
  const route = contractRoutes(app, { authenticate });
  const contract = restContract.auth;
  await app.register(rateLimit, { global: false });
  const limited = { config: { rateLimit: { max: deps.loginRateLimit, timeWindow: '1 minute' } } };

  route(contract.register, limited, async ({ body }) => ({ status: 201, body: await auth.register(body) }));

  route(contract.login, limited, async ({ body }) => ({ status: 200, body: await auth.login(body) }));

  route(contract.refresh, limited, async ({ body }) => ({ status: 200, body: await auth.refresh(body.refreshToken) }));

  route(contract.logout, async ({ body }) => {
    await auth.logout(body.refreshToken);
    return { status: 204 };
  });

  route(contract.me, async ({ actor }) => {
    const user = await accounts.findUserById(actor.userId);
    if (!user) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    const { passwordHash: _hidden, ...publicUser } = user;
    return { status: 200, body: { user: publicUser } };
  });

  route(restContract.users.search, async ({ query }) => ({
    status: 200,
    body: { users: await accounts.searchUsers(query.query, query.limit) },
  }));

  route(restContract.users.setRole, async ({ params: { id }, body: { role } }) => {
    const user = await accounts.setUserRole(id, role);
    if (!user) throw new HeraldError(ErrorCode.NotFound, 'user not found');
    deps.users.forget(id);
    return { status: 200, body: { user } };
  });
}
