/**
 * REST side of real-time state: `POST /api/v1/conversations/:id/read` (the same path as the
 * socket's `mark_read`) and `GET /api/v1/presence?userIds=a,b` (the same answer as `presence_query`).
 */
import { IdSchema } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Authenticator } from '../http/bearer.js';
import { parse } from '../http/errors.js';
import type { PresenceService } from '../presence/presence-service.js';
import type { ReadReceipts } from './read-receipts.js';

export interface RealtimeRoutesDeps {
  authenticate: Authenticator;
  receipts: ReadReceipts;
  presence: PresenceService;
}

const IdParams = z.object({ id: IdSchema });
const MarkReadBody = z.object({ seq: z.number().int().nonnegative() });
const PresenceQuery = z.object({
  userIds: z
    .string()
    .transform((list) => [...new Set(list.split(',').map((id) => id.trim()))].filter((id) => id !== ''))
    .pipe(z.array(IdSchema).min(1).max(500)),
});

export async function realtimeRoutes(app: FastifyInstance, deps: RealtimeRoutesDeps): Promise<void> {
  const { authenticate, receipts, presence } = deps;

  app.post('/api/v1/conversations/:id/read', async (request) => {
    const actor = await authenticate(request);
    const { id } = parse(IdParams, request.params, 'path');
    const { seq } = parse(MarkReadBody, request.body);
    return receipts.markRead(actor.userId, id, seq);
  });

  app.get('/api/v1/presence', async (request) => {
    await authenticate(request);
    const { userIds } = parse(PresenceQuery, request.query, 'query');
    return { presence: presence.get(userIds) };
  });
}
