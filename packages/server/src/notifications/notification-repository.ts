/**
 * NotificationRepository: system notifications, who has read which, and whom an audience covers.
 * Invariants: a viewer sees a notification only when it is addressed to everyone, their role, a
 * conversation of theirs or them, and is not older than their account; marking read is idempotent.
 */
import { randomUUID } from 'node:crypto';
import type { Audience, Notification, NotificationLevel } from '@herald/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { Database, NotificationsTable } from '../store/schema.js';

export interface NewNotification {
  level: NotificationLevel;
  title: string;
  message: string;
  audience: Audience;
  createdBy: string | null;
}

export interface NotificationViewer {
  id: string;
  role: string;
  createdAt: number;
}

export interface NotificationRepository {
  insertNotification(notification: NewNotification): Promise<Notification>;
  /** Notifications addressed to `viewer`, newest first, with their read state. */
  listNotifications(viewer: NotificationViewer, options: { limit: number; unreadOnly: boolean }): Promise<Notification[]>;
  /** Mark read; `ids: 'all'` marks every notification visible to the viewer. Returns how many changed. */
  markNotificationsRead(viewer: NotificationViewer, ids: readonly string[] | 'all'): Promise<number>;
  /** Ids of every user an audience covers (for offline delivery). */
  audienceUserIds(audience: Audience): Promise<string[]>;
  /** When the newest notification was created (ms epoch), or null when there is none. */
  newestNotificationAt(): Promise<number | null>;
}

function toAudience(row: Pick<Selectable<NotificationsTable>, 'audience_kind' | 'audience_value'>): Audience {
  switch (row.audience_kind) {
    case 'role':
      return { kind: 'role', role: row.audience_value ?? '' };
    case 'conversation':
      return { kind: 'conversation', conversationId: row.audience_value ?? '' };
    case 'user':
      return { kind: 'user', userId: row.audience_value ?? '' };
    default:
      return { kind: 'all' };
  }
}

function audienceValue(audience: Audience): string | null {
  switch (audience.kind) {
    case 'role':
      return audience.role;
    case 'conversation':
      return audience.conversationId;
    case 'user':
      return audience.userId;
    default:
      return null;
  }
}

/** NotificationRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyNotificationRepository implements NotificationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Notifications visible to a viewer: addressed to everyone, their role, a conversation of theirs, or them; not older than the account. */
  private visible(viewer: NotificationViewer) {
    return this.db
      .selectFrom('notifications as n')
      .where('n.created_at', '>=', viewer.createdAt)
      .where((eb) =>
        eb.or([
          eb('n.audience_kind', '=', 'all'),
          eb.and([eb('n.audience_kind', '=', 'role'), eb('n.audience_value', '=', viewer.role)]),
          eb.and([eb('n.audience_kind', '=', 'user'), eb('n.audience_value', '=', viewer.id)]),
          eb.and([
            eb('n.audience_kind', '=', 'conversation'),
            eb('n.audience_value', 'in', eb.selectFrom('conversation_members').select('conversation_id').where('user_id', '=', viewer.id)),
          ]),
        ]),
      );
  }

  async newestNotificationAt(): Promise<number | null> {
    const row = await this.db
      .selectFrom('notifications')
      .select((eb) => eb.fn.max('created_at').as('newest'))
      .executeTakeFirst();
    return row?.newest == null ? null : Number(row.newest);
  }

  async insertNotification(notification: NewNotification): Promise<Notification> {
    const row = {
      id: randomUUID(),
      level: notification.level,
      title: notification.title,
      message: notification.message,
      audience_kind: notification.audience.kind,
      audience_value: audienceValue(notification.audience),
      created_by: notification.createdBy,
      created_at: Date.now(),
    };
    await this.db.insertInto('notifications').values(row).execute();
    return {
      id: row.id,
      level: row.level,
      title: row.title,
      message: row.message,
      audience: notification.audience,
      createdAt: row.created_at,
      read: false,
    };
  }

  async listNotifications(viewer: NotificationViewer, options: { limit: number; unreadOnly: boolean }): Promise<Notification[]> {
    let query = this.visible(viewer)
      .leftJoin('notification_reads as r', (join) => join.onRef('r.notification_id', '=', 'n.id').on('r.user_id', '=', viewer.id))
      .select(['n.id', 'n.level', 'n.title', 'n.message', 'n.audience_kind', 'n.audience_value', 'n.created_at', 'r.read_at'])
      .orderBy('n.created_at', 'desc')
      .limit(options.limit);
    if (options.unreadOnly) query = query.where('r.read_at', 'is', null);
    const rows = await query.execute();
    return rows.map((row) => ({
      id: row.id,
      level: row.level,
      title: row.title,
      message: row.message,
      audience: toAudience(row),
      createdAt: Number(row.created_at),
      read: row.read_at !== null,
    }));
  }

  async markNotificationsRead(viewer: NotificationViewer, ids: readonly string[] | 'all'): Promise<number> {
    let query = this.visible(viewer)
      .select('n.id')
      .where('n.id', 'not in', this.db.selectFrom('notification_reads').select('notification_id').where('user_id', '=', viewer.id));
    if (ids !== 'all') {
      if (ids.length === 0) return 0;
      query = query.where('n.id', 'in', ids);
    }
    const unread = await query.execute();
    if (unread.length === 0) return 0;
    const now = Date.now();
    await this.db
      .insertInto('notification_reads')
      .values(unread.map((r) => ({ notification_id: r.id, user_id: viewer.id, read_at: now })))
      .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing())
      .execute();
    return unread.length;
  }

  async audienceUserIds(audience: Audience): Promise<string[]> {
    switch (audience.kind) {
      case 'user':
        return [audience.userId];
      case 'conversation':
        return (
          await this.db
            .selectFrom('conversation_members')
            .select('user_id')
            .where('conversation_id', '=', audience.conversationId)
            .execute()
        ).map((r) => r.user_id);
      case 'role':
        return (await this.db.selectFrom('users').select('id').where('role', '=', audience.role).execute()).map((r) => r.id);
      default:
        return (await this.db.selectFrom('users').select('id').execute()).map((r) => r.id);
    }
  }
}
