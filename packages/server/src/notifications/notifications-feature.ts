/**
 * The notifications feature: admin broadcasts (`POST /api/v1/admin/notifications`), admin direct
 * pushes (`POST /api/v1/admin/direct`), a user's notification list and read marks (REST and the
 * `notifications_read` frame), replay of unread notifications on connect, and offline delivery of
 * messages (to every member of the conversation with no session, except the sender).
 */
import { restContract } from '@herald/protocol';
import type { Feature } from '../feature.js';
import { handlerFor } from '../gateway/action-registry.js';
import { ack } from '../gateway/server-frame.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { MessageService } from '../messages/message-service.js';
import type { DirectPush } from './direct-push.js';
import type { NotificationService } from './notification-service.js';
import type { OfflineDelivery } from './offline-delivery.js';

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
      const route = contractRoutes(app, { authenticate });

      route(restContract.admin.broadcast, async ({ actor, body }) => ({
        status: 201,
        body: { notification: await notifications.broadcast(body, actor.userId) },
      }));

      route(restContract.admin.direct, async ({ body }) => {
        await direct.toUser(body.target, body.event, body.payload);
        return { status: 202, body: { delivered: 'queued' } };
      });

      route(restContract.notifications.list, async ({ actor, query }) => ({
        status: 200,
        body: { notifications: await notifications.list(actor.userId, query) },
      }));

      route(restContract.notifications.markRead, async ({ actor, body }) => ({
        status: 200,
        body: { updated: await notifications.markRead(actor.userId, body.all ? 'all' : body.ids) },
      }));
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
