/**
 * /api/v1/users/*: finding people (search) and the admin's role changes.
 * Invariant: a role change is announced on the bus (`user_changed`), so every node re-reads the
 * role (the Authority's cache, live sockets) instead of trusting what it cached.
 */
import { ErrorCode, HeraldError, restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { AccountRepository } from '../auth/account-repository.js';
import type { Bus } from '../bus/bus.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { UserDirectory } from './user-directory.js';

export interface UserRoutesDeps {
  accounts: AccountRepository;
  users: UserDirectory;
  bus: Bus;
  authenticate: Authenticator;
}

export async function userRoutes(app: FastifyInstance, deps: UserRoutesDeps): Promise<void> {
  const { accounts, users, bus, authenticate } = deps;
  const route = contractRoutes(app, { authenticate });
  const contract = restContract.users;

  route(contract.search, async ({ query }) => ({
    status: 200,
    body: { users: await accounts.searchUsers(query.query, query.limit) },
  }));

  route(contract.setRole, async ({ params: { id }, body: { role } }) => {
    const user = await accounts.setUserRole(id, role);
    if (!user) throw new HeraldError(ErrorCode.NotFound, 'user not found');
    users.forget(id);
    await bus.publish({ type: 'user_changed', userId: id });
    return { status: 200, body: { user } };
  });
}
