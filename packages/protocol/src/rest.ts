/**
 * HTTP API bodies under /api/v1: request schemas (validated by the server) and response shapes.
 * Errors always come back as `{ error: { code, message, details? } }` with a matching HTTP status.
 */
import { z } from 'zod';
import { HistoryRequestSchema } from './client-frames.js';
import { AttachmentSchema, ConversationSchema, IdSchema, MESSAGE_TEXT_MAX, RoleSchema, UserSchema } from './models.js';
import { AudienceSchema, DirectTargetSchema, EventNameSchema, NotificationLevelSchema } from './realtime.js';

export const RegisterBodySchema = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(8, 'at least 8 characters').max(200),
  name: z.string().trim().min(1).max(80),
});
export type RegisterBody = z.infer<typeof RegisterBodySchema>;

export const LoginBodySchema = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().min(1).max(200),
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

export const RefreshBodySchema = z.object({ refreshToken: z.string().min(1).max(512) });
export type RefreshBody = z.infer<typeof RefreshBodySchema>;

/** Returned by register, login and refresh. Keep the refresh token secret; it rotates on every use. */
export const AuthResponseSchema = z.object({
  user: UserSchema,
  accessToken: z.string(),
  /** ms epoch */
  accessTokenExpiresAt: z.number().int(),
  refreshToken: z.string(),
  refreshTokenExpiresAt: z.number().int(),
});
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

export const SetRoleBodySchema = z.object({ role: RoleSchema });

export const CreateConversationBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), userId: IdSchema }),
  z.object({
    kind: z.literal('group'),
    title: z.string().trim().min(1).max(120),
    memberIds: z.array(IdSchema).max(1000).default([]),
  }),
]);
export type CreateConversationBody = z.infer<typeof CreateConversationBodySchema>;

export const AddMembersBodySchema = z.object({ userIds: z.array(IdSchema).min(1).max(1000) });

/** REST send: the same fields as the socket frame; the idempotency key is `clientId` or the `Idempotency-Key` header. */
export const PostMessageBodySchema = z.object({
  clientId: z.string().min(1).max(64).optional(),
  type: z.enum(['text', 'image', 'file', 'audio']).default('text'),
  text: z.string().max(MESSAGE_TEXT_MAX).default(''),
  replyTo: IdSchema.optional(),
  attachment: AttachmentSchema.optional(),
});
export type PostMessageBody = z.infer<typeof PostMessageBodySchema>;

/** Query string of GET /conversations/:id/messages (numbers arrive as strings). */
export const HistoryQuerySchema = HistoryRequestSchema.omit({ conversationId: true }).extend({
  before: z.coerce.number().int().positive().optional(),
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ConversationListSchema = z.object({ conversations: z.array(ConversationSchema) });

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** POST /api/v1/admin/notifications: broadcast a system notification. */
export const BroadcastBodySchema = z.object({
  level: NotificationLevelSchema.default('info'),
  title: z.string().trim().min(1).max(200),
  message: z.string().max(4000).default(''),
  audience: AudienceSchema.default({ kind: 'all' }),
});
export type BroadcastBody = z.infer<typeof BroadcastBodySchema>;

/** POST /api/v1/admin/direct: push an application event to one user's sessions. */
export const DirectPushBodySchema = z.object({
  target: DirectTargetSchema,
  event: EventNameSchema,
  payload: z.unknown().default(null),
});
export type DirectPushBody = z.infer<typeof DirectPushBodySchema>;

/** POST /api/v1/publish (server API key): one of three operations, discriminated on `kind`. */
export const PublishBodySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    /** The user the message is sent as (must be a member). */
    senderId: IdSchema,
    conversationId: IdSchema,
    clientId: z.string().min(1).max(64).optional(),
    type: z.enum(['text', 'image', 'file', 'audio']).default('text'),
    text: z.string().max(MESSAGE_TEXT_MAX).default(''),
    replyTo: IdSchema.optional(),
    attachment: AttachmentSchema.optional(),
  }),
  z.object({
    kind: z.literal('notification'),
    level: NotificationLevelSchema.default('info'),
    title: z.string().trim().min(1).max(200),
    message: z.string().max(4000).default(''),
    audience: AudienceSchema,
  }),
  z.object({
    kind: z.literal('event'),
    conversationId: IdSchema.optional(),
    target: DirectTargetSchema.optional(),
    event: EventNameSchema,
    payload: z.unknown().default(null),
  }),
]);
export type PublishBody = z.infer<typeof PublishBodySchema>;

export const CreateApiKeyBodySchema = z.object({ name: z.string().trim().min(1).max(100) });

/** POST /api/v1/errors: a client error report. */
export const ErrorReportBodySchema = z.object({
  message: z.string().min(1).max(2000),
  stack: z.string().max(20_000).optional(),
  componentStack: z.string().max(20_000).optional(),
  url: z.string().max(2000).optional(),
  userAgent: z.string().max(500).optional(),
});
export type ErrorReportBody = z.infer<typeof ErrorReportBodySchema>;

export const ErrorReportSchema = ErrorReportBodySchema.extend({
  id: IdSchema,
  userId: IdSchema.nullable(),
  createdAt: z.number().int(),
});
export type ErrorReport = z.infer<typeof ErrorReportSchema>;

/** Metadata of an uploaded file. */
export const FileInfoSchema = z.object({
  id: IdSchema,
  name: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  kind: z.enum(['image', 'audio', 'video', 'document']),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  uploaderId: IdSchema,
  createdAt: z.number().int(),
});
export type FileInfo = z.infer<typeof FileInfoSchema>;
