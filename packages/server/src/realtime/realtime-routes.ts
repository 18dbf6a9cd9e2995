/**
 * REST side of real-time state: `POST /api/v1/conversations/:id/read` (the same path as the
 * socket's `mark_read`) and `GET /api/v1/presence?userIds=a,b` (the same answer as `presence_query`).
 */
import { restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { PresenceService } from '../presence/presence-service.js';
import type { ReadReceipts } from './read-receipts.js';

export interface RealtimeRoutesDeps {
  authenticate: Authenticator;
  receipts: ReadReceipts;
  presence: PresenceService;
}

export async function realtimeRoutes(app: FastifyInstance, deps: RealtimeRoutesDeps): Promise<void> {
  const { authenticate, receipts, presence } = deps;
  const route = contractRoutes(app, { authenticate });

  route(restContract.conversations.markRead, async ({ actor, params, body }) => ({
    status: 200,
    body: await receipts.markRead(actor.userId, params.id, body.seq),
  }));

  // Only the caller's own presence and their contacts' (presence/presence-service.ts `visibleTo`).
  route(restContract.presence.get, async ({ actor, query }) => ({
    status: 200,
    body: { presence: await presence.visibleTo(actor.userId, query.userIds) },
  }));
}
