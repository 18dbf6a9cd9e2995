/**
 * notificationServices: the one OfflineDelivery, NotificationService and DirectPush of a server,
 * built on first use from its ServerContext. The notifications feature and the publish API both
 * take them from here, so an admin broadcast and an API-key broadcast run the same code path.
 */
import type { ServerContext } from '../feature.js';
import { DirectPush } from './direct-push.js';
import { NotificationService } from './notification-service.js';
import { OfflineDelivery } from './offline-delivery.js';

export interface NotificationServices {
  offline: OfflineDelivery;
  notifications: NotificationService;
  direct: DirectPush;
}

const built = new WeakMap<ServerContext, NotificationServices>();

export function notificationServices(context: ServerContext): NotificationServices {
  let services = built.get(context);
  if (!services) {
    const offline = new OfflineDelivery(context.presence, context.offlineNotifier, context.log);
    services = {
      offline,
      notifications: new NotificationService(context.store, context.bus, context.conversations, offline, context.log),
      direct: new DirectPush(context.store, context.bus, context.conversations),
    };
    built.set(context, services);
  }
  return services;
}
