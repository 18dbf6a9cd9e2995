/**
 * Kysely queries behind FeatureRecords. Same rule as kysely-store.ts: one code path for
 * SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import type { Audience, ErrorReport, ErrorReportBody, Notification } from '@herald/protocol';
import type { Kysely, Selectable } from 'kysely';
import type {
  ApiKeyRecord,
  FeatureRecords,
  FileRecord,
  NewFile,
  NewNotification,
  NotificationViewer,
  ReadState,
} from './feature-records.js';
import type { ApiKeysTable, Database, FilesTable, NotificationsTable } from './schema.js';

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

function toApiKey(row: Selectable<ApiKeysTable>): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
  };
}

function toFile(row: Selectable<FilesTable>): FileRecord {
  return {
    id: row.id,
    uploaderId: row.uploader_id,
    name: row.name,
    mimeType: row.mime_type,
    size: Number(row.size),
    kind: row.kind,
    width: row.width,
    height: row.height,
    storageKey: row.storage_key,
    createdAt: Number(row.created_at),
  };
}

export function featureQueries(db: Kysely<Database>): FeatureRecords {
  /** Notifications visible to a viewer: addressed to everyone, their role, a conversation of theirs, or them; not older than the account. */
  const visible = (viewer: NotificationViewer) =>
    db
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
  /** Last error report time on this node: kept strictly increasing, so newest-first is arrival order within a millisecond too. */
  let lastReportAt = 0;

  return {
    async markRead(conversationId, userId, seq): Promise<ReadState> {
      const conversation = await db.selectFrom('conversations').select('last_seq').where('id', '=', conversationId).executeTakeFirst();
      const target = Math.min(seq, Number(conversation?.last_seq ?? 0));
      await db
        .updateTable('conversation_members')
        .set({ last_read_seq: target })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('last_read_seq', '<', target)
        .execute();
      const row = await db
        .selectFrom('conversation_members as me')
        .select('me.last_read_seq')
        .select((eb) =>
          eb
            .selectFrom('messages as m')
            .select((e) => e.fn.countAll().as('n'))
            .whereRef('m.conversation_id', '=', 'me.conversation_id')
            .whereRef('m.seq', '>', 'me.last_read_seq')
            .where('m.sender_id', '<>', userId)
            .as('unread'),
        )
        .where('me.conversation_id', '=', conversationId)
        .where('me.user_id', '=', userId)
        .executeTakeFirst();
      return { lastReadSeq: Number(row?.last_read_seq ?? 0), unreadCount: Number(row?.unread ?? 0) };
    },

    async contactIds(userId) {
      const rows = await db
        .selectFrom('conversation_members')
        .select('user_id')
        .distinct()
        .where('conversation_id', 'in', db.selectFrom('conversation_members').select('conversation_id').where('user_id', '=', userId))
        .where('user_id', '<>', userId)
        .execute();
      return rows.map((r) => r.user_id);
    },

    async audienceUserIds(audience) {
      switch (audience.kind) {
        case 'user':
          return [audience.userId];
        case 'conversation':
          return (
            await db.selectFrom('conversation_members').select('user_id').where('conversation_id', '=', audience.conversationId).execute()
          ).map((r) => r.user_id);
        case 'role':
          return (await db.selectFrom('users').select('id').where('role', '=', audience.role).execute()).map((r) => r.id);
        default:
          return (await db.selectFrom('users').select('id').execute()).map((r) => r.id);
      }
    },

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
      await db.insertInto('notifications').values(row).execute();
      return {
        id: row.id,
        level: row.level,
        title: row.title,
        message: row.message,
        audience: notification.audience,
        createdAt: row.created_at,
        read: false,
      };
    },

    async listNotifications(viewer, options) {
      let query = visible(viewer)
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
    },

    async markNotificationsRead(viewer, ids) {
      let query = visible(viewer)
        .select('n.id')
        .where('n.id', 'not in', db.selectFrom('notification_reads').select('notification_id').where('user_id', '=', viewer.id));
      if (ids !== 'all') {
        if (ids.length === 0) return 0;
        query = query.where('n.id', 'in', ids);
      }
      const unread = await query.execute();
      if (unread.length === 0) return 0;
      const now = Date.now();
      await db
        .insertInto('notification_reads')
        .values(unread.map((r) => ({ notification_id: r.id, user_id: viewer.id, read_at: now })))
        .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing())
        .execute();
      return unread.length;
    },

    async insertApiKey(key) {
      const row = {
        id: randomUUID(),
        name: key.name,
        key_hash: key.keyHash,
        prefix: key.prefix,
        created_by: key.createdBy,
        created_at: Date.now(),
        revoked_at: null,
        last_used_at: null,
      };
      await db.insertInto('api_keys').values(row).execute();
      return toApiKey(row);
    },

    async useApiKey(keyHash) {
      const row = await db
        .selectFrom('api_keys')
        .selectAll()
        .where('key_hash', '=', keyHash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (!row) return undefined;
      await db.updateTable('api_keys').set({ last_used_at: Date.now() }).where('id', '=', row.id).execute();
      return toApiKey(row);
    },

    async listApiKeys() {
      return (await db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute()).map(toApiKey);
    },

    async revokeApiKey(id) {
      const result = await db
        .updateTable('api_keys')
        .set({ revoked_at: Date.now() })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async insertFile(file: NewFile) {
      const row = {
        id: randomUUID(),
        uploader_id: file.uploaderId,
        name: file.name,
        mime_type: file.mimeType,
        size: file.size,
        kind: file.kind,
        width: file.width,
        height: file.height,
        storage_key: file.storageKey,
        created_at: Date.now(),
      };
      await db.insertInto('files').values(row).execute();
      return toFile(row);
    },

    async findFile(id) {
      const row = await db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toFile(row);
    },

    async canReadFile(fileId, userId) {
      const file = await db.selectFrom('files').select('uploader_id').where('id', '=', fileId).executeTakeFirst();
      if (!file) return false;
      if (file.uploader_id === userId) return true;
      const shared = await db
        .selectFrom('messages as m')
        .innerJoin('conversation_members as cm', (join) =>
          join.onRef('cm.conversation_id', '=', 'm.conversation_id').on('cm.user_id', '=', userId),
        )
        .select('m.id')
        .where('m.file_id', '=', fileId)
        .limit(1)
        .executeTakeFirst();
      return shared !== undefined;
    },

    async insertErrorReport(report: ErrorReportBody & { userId: string | null }): Promise<ErrorReport> {
      lastReportAt = Math.max(Date.now(), lastReportAt + 1);
      const row = {
        id: randomUUID(),
        user_id: report.userId,
        message: report.message,
        stack: report.stack ?? null,
        component_stack: report.componentStack ?? null,
        url: report.url ?? null,
        user_agent: report.userAgent ?? null,
        created_at: lastReportAt,
      };
      await db.insertInto('error_reports').values(row).execute();
      return { ...report, id: row.id, userId: row.user_id, createdAt: row.created_at };
    },

    async listErrorReports(limit) {
      const rows = await db.selectFrom('error_reports').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
      return rows.map((r) => ({
        id: r.id,
        userId: r.user_id,
        message: r.message,
        ...(r.stack !== null ? { stack: r.stack } : {}),
        ...(r.component_stack !== null ? { componentStack: r.component_stack } : {}),
        ...(r.url !== null ? { url: r.url } : {}),
        ...(r.user_agent !== null ? { userAgent: r.user_agent } : {}),
        createdAt: Number(r.created_at),
      }));
    },
  };
}
