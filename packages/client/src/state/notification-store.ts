/**
 * NotificationStore: the system notifications this client has received (`system_notification`
 * frames, live and replayed after each `connected`), newest first, de-duplicated by id, with the
 * unread count, and `markRead` through the `notifications_read` request.
 * HeraldProvider keeps it started for the app's lifetime, so replays right after connecting are
 * kept even before a page that shows them is mounted.
 * Invariant: a notification id appears at most once; a notification marked read stays read even if
 * the server replays it before the mark reached it.
 */

import type { Notification } from '@herald/protocol';
import type { HeraldClient } from '../herald-client.js';
import type { ClientPort } from './client-port.js';
import { ExternalStore } from './external-store.js';
import { perClient } from './per-client.js';

export interface NotificationSnapshot {
  /** Newest first. */
  readonly notifications: Notification[];
  readonly unreadCount: number;
}

const EMPTY: NotificationSnapshot = Object.freeze({ notifications: [], unreadCount: 0 });

export class NotificationStore extends ExternalStore<NotificationSnapshot> {
  private readonly byId = new Map<string, Notification>();
  private readonly readIds = new Set<string>();
  private stop: (() => void) | null = null;

  constructor(private readonly client: ClientPort) {
    super(EMPTY);
  }

  /** Mark some notifications (or `'all'`) read, on the server and here. */
  markRead = async (ids: readonly string[] | 'all'): Promise<void> => {
    if (ids !== 'all' && ids.length === 0) return;
    await this.client.request('notifications_read', ids === 'all' ? { ids: [], all: true } : { ids: [...ids], all: false });
    const marked = ids === 'all' ? [...this.byId.keys()] : ids;
    for (const id of marked) {
      this.readIds.add(id);
      const notification = this.byId.get(id);
      if (notification && !notification.read) this.byId.set(id, { ...notification, read: true });
    }
    this.publish();
  };

  protected onStart(): void {
    this.stop = this.client.on('system_notification', (frame) => {
      if (this.byId.has(frame.data.id)) return;
      this.byId.set(frame.data.id, this.readIds.has(frame.data.id) ? { ...frame.data, read: true } : frame.data);
      this.publish();
    });
  }

  protected onStop(): void {
    this.stop?.();
    this.stop = null;
  }

  private publish(): void {
    const notifications = [...this.byId.values()].sort((a, b) => b.createdAt - a.createdAt);
    this.setState({ notifications, unreadCount: notifications.filter((n) => !n.read).length });
  }
}

/** The client's NotificationStore. */
export const notificationStoreFor = (client: HeraldClient): NotificationStore =>
  perClient(client, 'notifications', () => new NotificationStore(client));
