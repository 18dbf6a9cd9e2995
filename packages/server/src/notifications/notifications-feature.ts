/**
 * The notifications feature: admin broadcasts (`POST /api/v1/admin/notifications`), admin direct
 * pushes (`POST /api/v1/admin/direct`), a user's notification list and read marks (REST and the
 * `notifications_read` frame), replay of unread notifications on connect, and offline delivery of
 * messages (to every member of the conversation with no session, except the sender).
 */
import { BroadcastBodySchema, DirectPushBodySchema, IdSchema } from '@herald/protocol';
import { z } from 'zod';
import type { Feature } from '../feature.js';
import { handlerFor } from '../gateway/action-registry.js';
import { ack } from '../gateway/server-frame.js';
import { type Authenticator, requireAdmin } from '../http/bearer.js';
import { parse } from '../http/errors.js';
import type { MessageService } from '../messages/message-service.js';
import type { DirectPush } from './direct-push.js';
import type { NotificationService } from './notification-service.js';
import type { OfflineDelivery } from './offline-delivery.js';

const ListQuerySchema = z.object({
  unreadOnly: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const ReadBodySchema = z.object({ ids: z.array(IdSchema).max(500).default([]), all: z.boolean().default(false) });

export interface NotificationsFeatureDeps {
  notifications: NotificationService;
  direct: DirectPush;
  offline: OfflineDelivery;
  messages: MessageService;
  authenticate: Authenticator;
}

export function notificationsFeature(deps: NotificationsFeatureDeps): Feature {
  const { notifications, direct, offline, authenticate } = deps;
  const stopOffline = deps.messages.onPublished((message, members) => offline.message(message, members));

  return {
    name: 'notifications',

    async routes(app) {
      app.post('/api/v1/admin/notifications', async (request, reply) => {
        const admin = await requireAdmin(authenticate, request);
        const body = parse(BroadcastBodySchema, request.body);
        const notification = await notifications.broadcast(body, admin.userId);
        return reply.status(201).send({ notification });
      });

      app.post('/api/v1/admin/direct', async (request, reply) => {
        await requireAdmin(authenticate, request);
        const body = parse(DirectPushBodySchema, request.body);
        await direct.toUser(body.target, body.event, body.payload);
        return reply.status(202).send({ delivered: 'queued' });
      });

      app.get('/api/v1/notifications', async (request) => {
        const actor = await authenticate(request);
        const query = parse(ListQuerySchema, request.query, 'query');
        return { notifications: await notifications.list(actor.userId, query) };
      });

      app.post('/api/v1/notifications/read', async (request) => {
        const actor = await authenticate(request);
        const body = parse(ReadBodySchema, request.body);
        return { updated: await notifications.markRead(actor.userId, body.all ? 'all' : body.ids) };
      });
    },

    frames: {
      notifications_read: handlerFor('notifications_read', async (connection, frame, userId) => {
        const updated = await notifications.markRead(userId, frame.data.all ? 'all' : frame.data.ids);
        ack(connection, frame, { updated });
      }),
    },

    connected(connection) {
      return notifications.replay(connection);
    },

    close() {
      stopOffline();
    },
  };
}
