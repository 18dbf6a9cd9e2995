/**
 * OfflineDelivery: hands a message or notification to the OfflineNotifier for each recipient with
 * no connected session anywhere in the cluster (as PresenceService sees it at that moment).
 * Invariants: the notifier is never awaited by the sender, and its failures (thrown or rejected)
 * are logged, never propagated; the author of a message is never notified of it.
 */
import type { Message, Notification } from '@herald/protocol';
import type { Logger } from 'pino';
import type { OfflineItem, OfflineNotifier } from '../offline-notifier.js';
import type { PresenceService } from '../presence/presence-service.js';

export class OfflineDelivery {
  constructor(
    private readonly presence: Pick<PresenceService, 'isOnline'>,
    private readonly notifier: OfflineNotifier,
    private readonly log: Logger,
  ) {}

  /** A message was published: every offline member but its sender. */
  message(message: Message, memberIds: Iterable<string>): void {
    for (const userId of memberIds) {
      if (userId !== message.senderId) this.offer(userId, { kind: 'message', message });
    }
  }

  /** A notification was published: every offline user of its audience. */
  notification(notification: Notification, userIds: Iterable<string>): void {
    for (const userId of userIds) this.offer(userId, { kind: 'notification', notification });
  }

  private offer(userId: string, item: OfflineItem): void {
    if (this.presence.isOnline(userId)) return;
    // A microtask, so a notifier that throws synchronously or blocks cannot reach the sender.
    Promise.resolve()
      .then(() => this.notifier.notify(userId, item))
      .catch((error: unknown) => this.log.warn({ err: error, userId, kind: item.kind }, 'offline notifier failed'));
  }
}
