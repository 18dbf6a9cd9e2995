/**
 * Store interfaces for the features beyond messaging: receipts, notifications, API keys, files
 * and client error reports. `Store` extends all of them; kysely-store.ts implements them with the
 * query functions in feature-queries.ts.
 */
import type { Audience, ErrorReport, ErrorReportBody, FileInfo, Notification, NotificationLevel } from '@herald/protocol';

export interface ReadState {
  lastReadSeq: number;
  unreadCount: number;
}

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

export interface ApiKeyRecord {
  id: string;
  name: string;
  prefix: string;
  createdBy: string | null;
  createdAt: number;
  revokedAt: number | null;
  lastUsedAt: number | null;
}

export interface NewFile {
  uploaderId: string;
  name: string;
  mimeType: string;
  size: number;
  kind: FileInfo['kind'];
  width: number | null;
  height: number | null;
  storageKey: string;
}

export interface FileRecord extends FileInfo {
  storageKey: string;
}

export interface FeatureRecords {
  /** Move a member's read position forward (never back, never past the last seq). */
  markRead(conversationId: string, userId: string, seq: number): Promise<ReadState>;
  /** Users who share at least one conversation with `userId` (not including them). */
  contactIds(userId: string): Promise<string[]>;
  /** Ids of every user an audience covers (for offline delivery). */
  audienceUserIds(audience: Audience): Promise<string[]>;

  insertNotification(notification: NewNotification): Promise<Notification>;
  /** Notifications addressed to `viewer`, newest first, with their read state. */
  listNotifications(viewer: NotificationViewer, options: { limit: number; unreadOnly: boolean }): Promise<Notification[]>;
  /** Mark read; `ids: 'all'` marks every notification visible to the viewer. Returns how many changed. */
  markNotificationsRead(viewer: NotificationViewer, ids: readonly string[] | 'all'): Promise<number>;

  insertApiKey(key: { name: string; keyHash: string; prefix: string; createdBy: string | null }): Promise<ApiKeyRecord>;
  /** The key with this hash, if it exists and is not revoked; records its use. */
  useApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  revokeApiKey(id: string): Promise<boolean>;

  insertFile(file: NewFile): Promise<FileRecord>;
  findFile(id: string): Promise<FileRecord | undefined>;
  /** True when the user uploaded the file or belongs to a conversation where it was shared. */
  canReadFile(fileId: string, userId: string): Promise<boolean>;

  insertErrorReport(report: ErrorReportBody & { userId: string | null }): Promise<ErrorReport>;
  listErrorReports(limit: number): Promise<ErrorReport[]>;
}
