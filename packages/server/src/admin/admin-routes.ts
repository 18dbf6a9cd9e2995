/**
 * /api/v1/admin: live figures and who is connected, cluster-wide (every node's sessions, through
 * ClusterSessions). Every route demands the admin role (`forbidden`, HTTP 403, otherwise).
 */
import { ErrorCode, HeraldError, restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { AccountRepository } from '../auth/account-repository.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { ClusterSessions } from './cluster-sessions.js';
import type { StatsCollector } from './stats-collector.js';

export interface AdminRoutesDeps {
  authenticate: Authenticator;
  stats: StatsCollector;
  cluster: ClusterSessions;
  accounts: Pick<AccountRepository, 'findUserById'>;
}

export async function adminRoutes(app: FastifyInstance, deps: AdminRoutesDeps): Promise<void> {
  const { authenticate, stats, cluster, accounts } = deps;
  const route = contractRoutes(app, { authenticate });
  const contract = restContract.admin;

  route(contract.stats, async () => ({ status: 200, body: stats.current() }));

  route(contract.onlineUsers, async () => ({ status: 200, body: { users: await cluster.onlineUsers() } }));

  route(contract.userSessions, async ({ params: { id } }) => {
    if (!(await accounts.findUserById(id))) throw new HeraldError(ErrorCode.NotFound, 'no such user');
    return { status: 200, body: { userId: id, sessions: await cluster.sessionsOf(id) } };
  });
}
