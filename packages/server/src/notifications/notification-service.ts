/**
 * NotificationService: system notifications from admins and server API keys. A broadcast is
 * persisted first, then published on the bus as one pre-serialised `system_notification` frame
 * for its audience's live sessions, then handed to OfflineDelivery for the audience's users with
 * no session. A user who was offline gets their unread ones on their next connect (`replay`).
 * Invariants: nothing is published that was not persisted; read state is per user; the frame id
 * is the notification id, so a client drops the copy it may get both live and on replay.
 */
import {
  type Audience,
  ErrorCode,
  encodeFrame,
  HeraldError,
  type Notification,
  type NotificationLevel,
  type ServerFrameOf,
} from '@herald/protocol';
import type { Logger } from 'pino';
import type { AccountRepository } from '../auth/account-repository.js';
import type { Bus, UserEventTarget } from '../bus/bus.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { Connection } from '../gateway/connection.js';
import type { NotificationRepository, NotificationViewer } from './notification-repository.js';
import type { OfflineDelivery } from './offline-delivery.js';

export interface NotificationInput {
  level: NotificationLevel;
  title: string;
  message: string;
  audience: Audience;
}

/** How many unread notifications a connecting session is sent. */
export const REPLAY_LIMIT = 50;

/** Users remembered as caught up, at most: past it the memory starts over (each then costs one query again). */
const CAUGHT_UP_MAX = 200_000;

export class NotificationService {
  /**
   * Users this node found with no unread notification when one of their sessions connected: their
   * next connect skips the query (a connect storm would otherwise pay it per socket). Forgotten
   * wholesale when any notification is published (on any node: it arrives as a bus frame) or the bus
   * returns from an outage, and per user when their account or memberships change (a role or a
   * conversation can make an older notification theirs).
   */
  private readonly caughtUp = new Set<string>();
  /** Bumped at each wholesale forget: a query that began before one must not mark its user caught up. */
  private published = 0;
  /**
   * When the newest notification was created (null: none; undefined: not known since the last
   * forget). An account newer than it has nothing to replay, so most first connects of a storm skip
   * the per-user query too.
   */
  private newest: Promise<number | null> | undefined;

  constructor(
    private readonly repository: NotificationRepository,
    private readonly accounts: Pick<AccountRepository, 'findUserById'>,
    private readonly bus: Bus,
    private readonly conversations: ConversationService,
    private readonly offline: OfflineDelivery,
    private readonly log: Logger,
  ) {
    bus.subscribe((message) => {
      if (message.type === 'user_event' && message.frame.includes('"system_notification"')) this.forgetAll();
      else if (message.type === 'user_changed') this.caughtUp.delete(message.userId);
      else if (message.type === 'membership_changed') for (const userId of message.addedUserIds ?? []) this.caughtUp.delete(userId);
    });
    bus.onRestored(() => this.forgetAll());
  }

  private forgetAll(): void {
    this.published++;
    this.caughtUp.clear();
    this.newest = undefined;
  }

  /** Persist, then deliver live and offline. `createdBy` is the admin's id (null for an API key). */
  async broadcast(input: NotificationInput, createdBy: string | null): Promise<Notification> {
    const target = await this.targetOf(input.audience);
    const notification = await this.repository.insertNotification({ ...input, createdBy });
    await this.bus.publish({ type: 'user_event', target, frame: frameOf(notification) });
    this.repository
      .audienceUserIds(input.audience)
      .then((userIds) => this.offline.notification(notification, userIds))
      .catch((error: unknown) => this.log.warn({ err: error, id: notification.id }, 'offline delivery of a notification failed'));
    return notification;
  }

  /** The user's notifications, newest first, with their read state. */
  async list(userId: string, options: { limit: number; unreadOnly: boolean }): Promise<Notification[]> {
    return this.repository.listNotifications(await this.viewer(userId), options);
  }

  /** Mark some (or all) of the user's notifications read; returns how many changed. */
  async markRead(userId: string, ids: readonly string[] | 'all'): Promise<number> {
    return this.repository.markNotificationsRead(await this.viewer(userId), ids);
  }

  /** Send a freshly connected session the user's unread notifications, oldest first. */
  async replay(connection: Connection): Promise<void> {
    const user = connection.user;
    if (!user || this.caughtUp.has(user.id)) return;
    const published = this.published;
    this.newest ??= this.repository.newestNotificationAt().catch(() => Number.POSITIVE_INFINITY);
    const newest = await this.newest;
    // Nothing was published since this account exists (or ever): nothing can be unread.
    if (newest === null || newest < user.createdAt) return;
    const unread = await this.repository.listNotifications(
      { id: user.id, role: user.role, createdAt: user.createdAt },
      { limit: REPLAY_LIMIT, unreadOnly: true },
    );
    if (unread.length === 0 && published === this.published) {
      if (this.caughtUp.size >= CAUGHT_UP_MAX) this.caughtUp.clear();
      this.caughtUp.add(user.id);
    }
    for (const notification of unread.reverse()) connection.sendText(frameOf(notification));
  }

  private async viewer(userId: string): Promise<NotificationViewer> {
    // Read the role from the store, not the token: a role change applies at once.
    const user = await this.accounts.findUserById(userId);
    if (!user) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    return { id: user.id, role: user.role, createdAt: user.createdAt };
  }

  /** Where the live frame goes; `not_found` for a conversation or user that does not exist. */
  private async targetOf(audience: Audience): Promise<UserEventTarget> {
    switch (audience.kind) {
      case 'all':
        return { all: true };
      case 'role':
        return { all: true, role: audience.role };
      case 'conversation': {
        const members = await this.conversations.memberSet(audience.conversationId);
        if (members.size === 0) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
        return { userIds: [...members] };
      }
      case 'user':
        if (!(await this.accounts.findUserById(audience.userId))) throw new HeraldError(ErrorCode.NotFound, 'user not found');
        return { userIds: [audience.userId] };
    }
  }
}

/** The `system_notification` frame of a notification (unread: it is what a recipient has not seen). */
function frameOf(notification: Notification): string {
  const frame: ServerFrameOf<'system_notification'> = {
    id: notification.id,
    type: 'system',
    action: 'system_notification',
    data: { ...notification, read: false },
    timestamp: notification.createdAt,
  };
  return encodeFrame(frame);
}
