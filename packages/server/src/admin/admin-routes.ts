/**
 * /api/v1/admin: live figures and who is connected. Every route demands the admin role
 * (`forbidden`, HTTP 403, otherwise).
 */
import { ErrorCode, HeraldError, IdSchema } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AccountRepository } from '../auth/account-repository.js';
import type { LocalSessions } from '../gateway/local-sessions.js';
import { type Authenticator, requireAdmin } from '../http/bearer.js';
import { parse } from '../http/errors.js';
import { onlineUsers, sessionsOf } from './online-users.js';
import type { StatsCollector } from './stats-collector.js';

export interface AdminRoutesDeps {
  authenticate: Authenticator;
  stats: StatsCollector;
  sessions: LocalSessions;
  accounts: Pick<AccountRepository, 'findUserById'>;
  nodeId: string;
}

const IdParams = z.object({ id: IdSchema });

export async function adminRoutes(app: FastifyInstance, deps: AdminRoutesDeps): Promise<void> {
  const { authenticate, stats, sessions, accounts, nodeId } = deps;

  app.get('/api/v1/admin/stats', async (request) => {
    await requireAdmin(authenticate, request);
    return stats.current();
  });

  app.get('/api/v1/admin/users/online', async (request) => {
    await requireAdmin(authenticate, request);
    return { users: onlineUsers(sessions, nodeId) };
  });

  app.get('/api/v1/admin/users/:id/sessions', async (request) => {
    await requireAdmin(authenticate, request);
    const { id } = parse(IdParams, request.params, 'path');
    if (!(await accounts.findUserById(id))) throw new HeraldError(ErrorCode.NotFound, 'no such user');
    return { userId: id, sessions: sessionsOf(sessions, id, nodeId) };
  });
}
