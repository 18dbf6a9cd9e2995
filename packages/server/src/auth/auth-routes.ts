/**
 * /api/v1/auth/* and /api/v1/users: accounts, tokens, roles, user search.
 */

import rateLimit from '@fastify/rate-limit';
import { ErrorCode, HeraldError, LoginBodySchema, RefreshBodySchema, RegisterBodySchema, SetRoleBodySchema } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type Authenticator, requireAdmin } from '../http/bearer.js';
import { parse } from '../http/errors.js';
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
  await app.register(rateLimit, { global: false });
  const limited = { config: { rateLimit: { max: deps.loginRateLimit, timeWindow: '1 minute' } } };

  app.post('/api/v1/auth/register', limited, async (request, reply) => {
    const result = await auth.register(parse(RegisterBodySchema, request.body));
    return reply.status(201).send(result);
  });

  app.post('/api/v1/auth/login', limited, async (request) => auth.login(parse(LoginBodySchema, request.body)));

  app.post('/api/v1/auth/refresh', limited, async (request) => auth.refresh(parse(RefreshBodySchema, request.body).refreshToken));

  app.post('/api/v1/auth/logout', async (request, reply) => {
    await auth.logout(parse(RefreshBodySchema, request.body).refreshToken);
    return reply.status(204).send();
  });

  app.get('/api/v1/auth/me', async (request) => {
    const actor = await authenticate(request);
    const user = await accounts.findUserById(actor.userId);
    if (!user) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    const { passwordHash: _hidden, ...publicUser } = user;
    return { user: publicUser };
  });

  app.get('/api/v1/users', async (request) => {
    await authenticate(request);
    const query = parse(
      z.object({ query: z.string().max(100).default(''), limit: z.coerce.number().int().min(1).max(50).default(20) }),
      request.query,
      'query',
    );
    return { users: await accounts.searchUsers(query.query, query.limit) };
  });

  app.put('/api/v1/users/:id/role', async (request) => {
    await requireAdmin(authenticate, request);
    const { id } = parse(z.object({ id: z.string() }), request.params, 'path');
    const { role } = parse(SetRoleBodySchema, request.body);
    const user = await accounts.setUserRole(id, role);
    if (!user) throw new HeraldError(ErrorCode.NotFound, 'user not found');
    deps.users.forget(id);
    return { user };
  });
}
