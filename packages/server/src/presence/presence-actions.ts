/**
 * Presence's socket action: `presence_query`, the same answer as `GET /api/v1/presence`
 * (realtime/realtime-routes.ts), from this node's view of the cluster, and only for the asker and
 * users who share a conversation with them (others are left out).
 */
import { type ActionHandlers, handlerFor } from '../gateway/action-registry.js';
import { ack } from '../gateway/server-frame.js';
import type { PresenceService } from './presence-service.js';

export function presenceActions(presence: Pick<PresenceService, 'visibleTo'>): ActionHandlers {
  return {
    presence_query: handlerFor('presence_query', async (connection, frame, userId) => {
      ack(connection, frame, { presence: await presence.visibleTo(userId, frame.data.userIds) });
    }),
  };
}
