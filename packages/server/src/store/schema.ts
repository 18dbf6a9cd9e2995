/**
 * Kysely table types: the database as the store sees it, identical on SQLite and PostgreSQL.
 * Invariant: timestamps are integer milliseconds; ids are application-generated strings;
 * `conversations.last_seq` is the highest `messages.seq` of that conversation.
 */
import type { Generated } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: string;
  avatar: string | null;
  created_at: number;
  /** When an admin disabled the account (every session revoked then); null while enabled. */
  disabled_at: Generated<number | null>;
}

/** A signed-in device: what access tokens (`sid`) and refresh tokens belong to. */
export interface SessionsTable {
  id: string;
  user_id: string;
  /** What the client called itself at sign-in, or a label read from its user agent ("Chrome on Linux"). */
  device_name: string | null;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_used_at: number;
  /** Absolute end: no refresh extends a session past it. */
  expires_at: number;
  revoked_at: number | null;
  /** Why it was revoked (`signed_out`, `revoked`, `password_changed`, `account_disabled`, `refresh_reuse`, `admin`). */
  revoked_reason: string | null;
}

export interface RefreshTokensTable {
  id: string;
  user_id: string;
  /** SHA-256 of the token; the token itself is never stored. */
  token_hash: string;
  expires_at: number;
  revoked_at: number | null;
  created_at: number;
  /** The session it renews; null only for tokens issued before sessions existed (refused). */
  session_id: Generated<string | null>;
}

export interface ConversationsTable {
  id: string;
  kind: 'direct' | 'group';
  title: string | null;
  owner_id: string | null;
  /** `lowId:highId` for direct conversations, so a pair can have only one. */
  direct_key: string | null;
  last_seq: Generated<number>;
  /** The oldest seq still kept (1 until message retention prunes older ones; seqs below it are gone for good). */
  first_seq: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface ConversationMembersTable {
  conversation_id: string;
  user_id: string;
  role: 'owner' | 'member';
  last_read_seq: Generated<number>;
  joined_at: number;
  /** Furthest seq a device of this member confirmed receiving (migration 0011_delivered). */
  delivered_seq: Generated<number>;
  /** 1 when the member muted the conversation (no push unless mentioned; migration 0010_push_and_mute). */
  muted: Generated<number>;
}

export interface MessagesTable {
  id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  client_id: string;
  type: string;
  text: string;
  reply_to: string | null;
  /** JSON of the attachment reference, or null. */
  attachment: string | null;
  /** The attachment's file id, indexed so file access checks are one lookup. */
  file_id: string | null;
  created_at: number;
  /** When the text was last edited; null: never. */
  edited_at: Generated<number | null>;
  /** When it was deleted (text and attachment cleared); null: not deleted. */
  deleted_at: Generated<number | null>;
  /** The seq of the latest change to it (edit, delete, reaction); null: none since it was sent. */
  revision: Generated<number | null>;
  /** JSON array of mentioned user ids, or null for none. */
  mentions: Generated<string | null>;
  /** `all` or `here`, or null. */
  group_mention: Generated<string | null>;
}

/** A change to a message: it took the conversation's next seq (see migration 0008). */
export interface MessageEventsTable {
  id: string;
  conversation_id: string;
  seq: number;
  kind: 'edit' | 'delete' | 'reaction';
  message_id: string;
  /** Who made the change. */
  user_id: string;
  /** The request's idempotency key, unique per user. */
  client_id: string;
  /** An edit's new text (emptied when the message is later deleted). */
  text: string | null;
  /** An edit's mentions (JSON array) and group mention. */
  mentions: string | null;
  group_mention: string | null;
  /** A reaction change's emoji, and 1 added / 0 removed. */
  emoji: string | null;
  added: number | null;
  /** A reaction change's emoji state after it (JSON `{count, userIds}`), replayed as it was. */
  reaction: string | null;
  created_at: number;
}

export interface MessageReactionsTable {
  message_id: string;
  emoji: string;
  user_id: string;
  created_at: number;
}

export interface NotificationsTable {
  id: string;
  level: 'info' | 'warning' | 'error';
  title: string;
  message: string;
  audience_kind: 'all' | 'role' | 'conversation' | 'user';
  /** Role name, conversation id or user id; null for `all`. */
  audience_value: string | null;
  created_by: string | null;
  created_at: number;
}

export interface NotificationReadsTable {
  notification_id: string;
  user_id: string;
  read_at: number;
}

export interface ApiKeysTable {
  id: string;
  name: string;
  /** SHA-256 of the key; the key itself is shown once at creation. */
  key_hash: string;
  /** First characters of the key, to tell keys apart in listings. */
  prefix: string;
  created_by: string | null;
  created_at: number;
  revoked_at: number | null;
  last_used_at: number | null;
  /** JSON array of scopes (`messages`, `notifications`, `events`). */
  scopes: Generated<string>;
  /** JSON array of conversation ids the key may publish to; null = any. */
  conversation_ids: Generated<string | null>;
  /** JSON array of user ids the key may post messages as (`["*"]` = any user); null = none. */
  sender_ids: Generated<string | null>;
  expires_at: Generated<number | null>;
}

/** Security-relevant events: who did what to which target (API keys, sessions, roles, accounts). */
export interface AuditLogTable {
  id: string;
  at: number;
  actor_kind: 'user' | 'api_key' | 'system';
  actor_id: string | null;
  action: string;
  target_id: string | null;
  /** JSON object with the event's particulars, or null. */
  details: string | null;
}

/** `blocker_id` blocked `blocked_id`: no direct messages and no group adds by the blocked user. */
export interface UserBlocksTable {
  blocker_id: string;
  blocked_id: string;
  created_at: number;
}

export interface FilesTable {
  id: string;
  uploader_id: string;
  name: string;
  mime_type: string;
  size: number;
  kind: 'image' | 'audio' | 'video' | 'document';
  width: number | null;
  height: number | null;
  /** Where the bytes live in the file storage (random, never derived from the name). */
  storage_key: string;
  created_at: number;
}

export interface ErrorReportsTable {
  id: string;
  user_id: string | null;
  message: string;
  stack: string | null;
  component_stack: string | null;
  url: string | null;
  user_agent: string | null;
  created_at: number;
}

/** One device's Web Push subscription (push/push-subscription-repository.ts); `endpoint` is unique. */
export interface PushSubscriptionsTable {
  id: string;
  user_id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  /** A short device name from the user agent, for the user's list. */
  label: string;
  /** 1: the push shows the sender and a preview; 0: only "New message". */
  preview: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  refresh_tokens: RefreshTokensTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  message_events: MessageEventsTable;
  message_reactions: MessageReactionsTable;
  notifications: NotificationsTable;
  notification_reads: NotificationReadsTable;
  api_keys: ApiKeysTable;
  files: FilesTable;
  error_reports: ErrorReportsTable;
  audit_log: AuditLogTable;
  user_blocks: UserBlocksTable;
  push_subscriptions: PushSubscriptionsTable;
}
