/**
 * JSON bodies of successful REST answers (the bodies of requests are in `rest.ts`). The server
 * serialises each answer through its schema, so these are exactly what goes on the wire: a field
 * missing here never reaches a client.
 */
import { z } from 'zod';
import { HistoryResultSchema } from './client-frames.js';
import {
  ConversationSchema,
  IdSchema,
  MemberSchema,
  MessageSchema,
  TimestampSchema,
  UserSchema,
  UserSearchResultSchema,
  UserSummarySchema,
} from './models.js';
import { NotificationSchema, OnlineUserSchema, PresenceSchema, SessionInfoSchema, StatsSchema } from './realtime.js';
import { ApiKeyScopeSchema, ApiKeySenderSchema, ErrorReportSchema, FileInfoSchema, SessionSummarySchema } from './rest.js';

/** GET /auth/me, PUT /users/:id/role. */
export const UserResponseSchema = z.object({ user: UserSchema });

/** GET /auth/sessions: the caller's live sessions, most recently used first. */
export const SessionListResponseSchema = z.object({ sessions: z.array(SessionSummarySchema) });

/** Routes that end sessions: how many were ended. */
export const RevokedResponseSchema = z.object({ revoked: z.number().int().nonnegative() });

/** POST /admin/users/:id/disable and /enable. */
export const AccountStateResponseSchema = z.object({
  userId: IdSchema,
  disabled: z.boolean(),
  /** Sessions ended by this call (disable ends every session). */
  revoked: z.number().int().nonnegative(),
});

/** GET /users: summaries, with email and role only for an admin. */
export const UserSearchResponseSchema = z.object({ users: z.array(UserSearchResultSchema) });

/** GET /users/blocked: the users the caller blocked, most recent first. */
export const BlockedUsersResponseSchema = z.object({ users: z.array(UserSummarySchema) });

/** POST /conversations, GET /conversations/:id. */
export const ConversationResponseSchema = z.object({ conversation: ConversationSchema });

/** POST /conversations/:id/members: the conversation's members after the call. */
export const MembersResponseSchema = z.object({ members: z.array(MemberSchema) });

/** GET /conversations/:id/messages: one page, as the socket's `history` answers it. */
export const HistoryResponseSchema = HistoryResultSchema;

/** POST /conversations/:id/messages and a publish of `kind: 'message'`: 201 new, 200 a repeat of a known client id. */
export const MessagePostedResponseSchema = z.object({ message: MessageSchema, duplicate: z.boolean() });

/** POST /conversations/:id/read: the stored read position after the call. */
export const ReadPositionResponseSchema = z.object({
  conversationId: IdSchema,
  lastReadSeq: z.number().int().nonnegative(),
  unreadCount: z.number().int().nonnegative(),
});

/** GET /presence. */
export const PresenceResponseSchema = z.object({ presence: z.array(PresenceSchema) });

/** GET /notifications. */
export const NotificationListResponseSchema = z.object({ notifications: z.array(NotificationSchema) });

/** POST /admin/notifications and a publish of `kind: 'notification'`. */
export const NotificationResponseSchema = z.object({ notification: NotificationSchema });

/** POST /notifications/read: how many notifications changed. */
export const UpdatedResponseSchema = z.object({ updated: z.number().int().nonnegative() });

/** 202 of a direct push (and a publish of `kind: 'event'`): accepted, delivery goes on in the background. */
export const QueuedResponseSchema = z.object({ delivered: z.literal('queued') });

/** A server API key as admins see it (never its plaintext, which only the create answer carries). */
export const ApiKeySchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** `hk_` and the first 8 characters of the key: enough to tell keys apart. */
  prefix: z.string(),
  /** Empty on a key made before scopes existed: such a key is refused until replaced. */
  scopes: z.array(ApiKeyScopeSchema),
  /** The conversations the key may reach; null = any. */
  conversationIds: z.array(IdSchema).nullable(),
  /** The users the key may post messages as (`["*"]` = any); null = none. */
  senderIds: z.array(ApiKeySenderSchema).nullable(),
  expiresAt: TimestampSchema.nullable(),
  /** The admin whose authority the key carries: refused once they are no longer an admin. */
  createdBy: IdSchema.nullable(),
  createdAt: TimestampSchema,
  revokedAt: TimestampSchema.nullable(),
  lastUsedAt: TimestampSchema.nullable(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** POST /admin/api-keys: `key` is the only copy of the plaintext. */
export const ApiKeyCreatedResponseSchema = z.object({ key: z.string(), apiKey: ApiKeySchema });

/** GET /admin/api-keys. */
export const ApiKeyListResponseSchema = z.object({ apiKeys: z.array(ApiKeySchema) });

/** POST /errors. */
export const ErrorReportCreatedResponseSchema = z.object({ id: IdSchema });

/** GET /admin/errors: newest first. */
export const ErrorReportListResponseSchema = z.object({ reports: z.array(ErrorReportSchema) });

/** Who did something the audit log records: a user, a server API key, or the server itself. */
export const AuditActorSchema = z.object({ kind: z.enum(['user', 'api_key', 'system']), id: IdSchema.nullable() });
export type AuditActor = z.infer<typeof AuditActorSchema>;

/** One audit log entry: `actor` did `action` (e.g. `api_key.created`) to `targetId`, with `details`. */
export const AuditEntrySchema = z.object({
  id: IdSchema,
  at: TimestampSchema,
  actor: AuditActorSchema,
  action: z.string(),
  targetId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

/** GET /admin/audit: newest first. */
export const AuditLogResponseSchema = z.object({ entries: z.array(AuditEntrySchema) });

/** GET /admin/users/online. */
export const OnlineUsersResponseSchema = z.object({ users: z.array(OnlineUserSchema) });

/** GET /admin/users/:id/sessions. */
export const UserSessionsResponseSchema = z.object({ userId: IdSchema, sessions: z.array(SessionInfoSchema) });

/** GET /admin/stats. */
export const StatsResponseSchema = StatsSchema;

/** POST /files/upload, GET /files/:id/info. */
export const FileResponseSchema = z.object({ file: FileInfoSchema });

/** POST /files/:id/link: a relative URL that downloads the file without a header, until `expiresAt`. */
export const FileLinkSchema = z.object({ url: z.string(), expiresAt: TimestampSchema });
export type FileLink = z.infer<typeof FileLinkSchema>;

const ProbeSchema = z.object({ ok: z.boolean(), error: z.string().optional() });

/**
 * GET /health: the full report. 200 when ready (`ok`, or `degraded` when only the bus is down),
 * 503 (same body, `unavailable`) when the database is unreachable or the node is draining.
 */
export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded', 'unavailable']),
  live: z.literal(true),
  ready: z.boolean(),
  draining: z.boolean(),
  nodeId: z.string(),
  uptimeSeconds: z.number().int().nonnegative(),
  checks: z.object({
    database: ProbeSchema.extend({ dialect: z.string() }),
    /** `degraded`: other nodes are unreachable; this node still serves its clients and queues for the others. */
    bus: ProbeSchema.extend({
      kind: z.string(),
      degraded: z.boolean(),
      queued: z.number().int().nonnegative(),
      dropped: z.number().int().nonnegative(),
    }),
  }),
});
export type Health = z.infer<typeof HealthSchema>;

/** GET /health/live: the process serves HTTP (always 200 while it does). */
export const LivenessSchema = z.object({ live: z.literal(true), nodeId: z.string() });
export type Liveness = z.infer<typeof LivenessSchema>;

/** GET /health/ready: 200 when this node should get traffic (database reachable, not draining), else 503. */
export const ReadinessSchema = z.object({
  ready: z.boolean(),
  nodeId: z.string(),
  /** Why not ready: `database`, `draining`. Empty when ready. */
  reasons: z.array(z.enum(['database', 'draining'])),
});
export type Readiness = z.infer<typeof ReadinessSchema>;
