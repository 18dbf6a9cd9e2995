/**
 * OfflineNotifier: what happens to a message or notification for a user with no connected session
 * anywhere in the cluster. Pluggable (Web Push, email, SMS...); the default logs. Calls are never
 * awaited by the sender: a slow or failing notifier cannot delay or fail a send.
 */
import type { Message, Notification } from '@herald/protocol';
import type { Logger } from 'pino';

export type OfflineItem = { kind: 'message'; message: Message } | { kind: 'notification'; notification: Notification };

export interface OfflineNotifier {
  notify(userId: string, item: OfflineItem): void | Promise<void>;
}

/** The default: a debug log line per offline delivery. */
export class LoggingOfflineNotifier implements OfflineNotifier {
  constructor(private readonly log: Logger) {}

  notify(userId: string, item: OfflineItem): void {
    // debug, not info: a busy group with many offline members would otherwise write a line per member per message.
    this.log.debug({ userId, kind: item.kind, id: item.kind === 'message' ? item.message.id : item.notification.id }, 'offline delivery');
  }
}
