/**
 * OfflineDelivery: hands a message or notification to the OfflineNotifier for each recipient with
 * no connected session anywhere in the cluster (as PresenceService sees it at that moment).
 * Invariants: the notifier is never awaited by the sender, and its failures (thrown or rejected)
 * are logged per recipient, never propagated, and never stop the other recipients' calls; the
 * author of a message is never notified of it. Runs on every published message, so the walk over
 * members allocates nothing while everyone is online, and nothing per recipient beyond the list
 * of those who are not.
 */
import type { Message, Notification } from '@herald/protocol';
import type { Logger } from 'pino';
import type { PresenceService } from '../presence/presence-service.js';
import type { OfflineItem, OfflineNotifier } from './offline-notifier.js';

export class OfflineDelivery {
  constructor(
    private readonly presence: Pick<PresenceService, 'isOnline'>,
    private readonly notifier: OfflineNotifier,
    private readonly log: Logger,
  ) {}

  /** A message was published: every offline member but its sender. */
  message(message: Message, memberIds: Iterable<string>): void {
    const offline = this.offlineAmong(memberIds, message.senderId);
    if (offline) this.hand(offline, { kind: 'message', message });
  }

  /** A notification was published: every offline user of its audience. */
  notification(notification: Notification, userIds: Iterable<string>): void {
    const offline = this.offlineAmong(userIds);
    if (offline) this.hand(offline, { kind: 'notification', notification });
  }

  /** The users with no session anywhere, but `except`; undefined when there are none. */
  private offlineAmong(userIds: Iterable<string>, except?: string): string[] | undefined {
    let offline: string[] | undefined;
    for (const userId of userIds) {
      if (userId === except || this.presence.isOnline(userId)) continue;
      offline ??= [];
      offline.push(userId);
    }
    return offline;
  }

  private hand(userIds: readonly string[], item: OfflineItem): void {
    // A microtask, so a notifier that throws synchronously cannot reach the sender.
    queueMicrotask(() => {
      for (const userId of userIds) {
        try {
          this.notifier.notify(userId, item)?.catch((error: unknown) => this.failed(error, userId, item));
        } catch (error) {
          this.failed(error, userId, item);
        }
      }
    });
  }

  private failed(error: unknown, userId: string, item: OfflineItem): void {
    this.log.warn({ err: error, userId, kind: item.kind }, 'offline notifier failed');
  }
}
