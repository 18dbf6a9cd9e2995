/**
 * HTTP API bodies under /api/v1: what requests carry (path, query and body schemas, validated by the
 * server), and the records answers are made of; the answers themselves are in rest-responses.ts and
 * which route takes what is in rest-contract.ts.
 * Errors always come back as `{ error: { code, message, details? } }` with a matching HTTP status.
 */
import { z } from 'zod';
import { HistoryRequestFieldsSchema, historyBoundsAreValid } from './client-frames.js';
import { ReactionEmojiSchema } from './message-changes.js';
import { AttachmentSchema, ConversationSchema, IdSchema, MESSAGE_TEXT_MAX, RoleSchema, UserSchema } from './models.js';
import { AudienceSchema, DirectTargetSchema, EventNameSchema, NotificationLevelSchema } from './realtime.js';
import { SEARCH_PAGE_MAX, SearchRequestSchema } from './search.js';
import { boundedJson, safeText } from './text.js';

/** A new password: 8 to 200 characters. */
export const PasswordSchema = z.string().min(8, 'at least 8 characters').max(200);

/** What a client may call the device it signs in from, shown in session lists (default: read from its User-Agent). */
const DeviceNameSchema = safeText().trim().min(1).max(100).optional();

export const RegisterBodySchema = z.object({
  email: safeText().trim().toLowerCase().email().max(254),
  password: PasswordSchema,
  name: safeText().trim().min(1).max(80),
  deviceName: DeviceNameSchema,
});
export type RegisterBody = z.infer<typeof RegisterBodySchema>;

export const LoginBodySchema = z.object({
  email: safeText().trim().toLowerCase().max(254),
  password: z.string().min(1).max(200),
  deviceName: DeviceNameSchema,
});
export type LoginBody = z.infer<typeof LoginBodySchema>;

/**
 * Body of refresh and logout. `refreshToken` is required unless the request uses the cookie flow
 * (header `X-Herald-Refresh: cookie`; the token is then the `herald_refresh` cookie). Logout also
 * accepts neither, with a Bearer access token: it ends that token's session.
 */
export const RefreshBodySchema = z.object({ refreshToken: z.string().min(1).max(512).optional() });
export type RefreshBody = z.infer<typeof RefreshBodySchema>;

/**
 * Returned by register, login and refresh. Keep the refresh token secret; it rotates on every use.
 * In the cookie flow `refreshToken` is absent: it was set as the httpOnly `herald_refresh` cookie.
 */
export const AuthResponseSchema = z.object({
  user: UserSchema,
  accessToken: z.string(),
  /** ms epoch */
  accessTokenExpiresAt: z.number().int(),
  refreshToken: z.string().optional(),
  refreshTokenExpiresAt: z.number().int(),
  /** The session these tokens belong to (see GET /auth/sessions). */
  sessionId: z.string(),
});
export type AuthResponse = z.infer<typeof AuthResponseSchema>;

/** POST /auth/password: the current password proves it is you; every other session is ended. */
export const ChangePasswordBodySchema = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: PasswordSchema,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBodySchema>;

/** One signed-in device of the caller (GET /auth/sessions). */
export const SessionSummarySchema = z.object({
  id: z.string(),
  /** What the client called itself at sign-in, or a label read from its User-Agent ("Chrome on Linux"). */
  deviceName: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int(),
  /** The absolute end of the session: no refresh extends it. */
  expiresAt: z.number().int(),
  /** True for the session of the token that asked. */
  current: z.boolean(),
});
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

/** Path of routes on one session (`DELETE /auth/sessions/:id`). */
export const SessionParamsSchema = z.object({ id: safeText().min(1).max(100) });

/** Path of routes on one thing (`/conversations/:id`, `/files/:id`…). */
export const IdParamsSchema = z.object({ id: IdSchema });

/** Path of `DELETE /conversations/:id/members/:userId`. */
export const MemberParamsSchema = IdParamsSchema.extend({ userId: IdSchema });

/** Query string of GET /users (the limit arrives as a string). */
export const UserSearchQuerySchema = z.object({
  query: safeText().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** Path of `PUT /users/:id/role`: any string; an unknown id is `not_found` rather than `bad_request`. */
export const UserRoleParamsSchema = z.object({ id: safeText() });

export const SetRoleBodySchema = z.object({ role: RoleSchema });

export const CreateConversationBodySchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('direct'), userId: IdSchema }),
  z.object({
    kind: z.literal('group'),
    title: safeText().trim().min(1).max(120),
    memberIds: z.array(IdSchema).max(1000).default([]),
  }),
]);
export type CreateConversationBody = z.infer<typeof CreateConversationBodySchema>;

/** Conversations per page of GET /conversations when `limit` is not given, and the most it may ask for. */
export const CONVERSATION_PAGE_DEFAULT = 50;
export const CONVERSATION_PAGE_MAX = 100;

export const AddMembersBodySchema = z.object({ userIds: z.array(IdSchema).min(1).max(1000) });

/** `PUT /conversations/:id/title`: a group's new title (the same rule as at creation). */
export const RenameConversationBodySchema = z.object({ title: safeText().trim().min(1).max(120) });
export type RenameConversationBody = z.infer<typeof RenameConversationBodySchema>;

/** REST send: the same fields as the socket frame; the idempotency key is `clientId` or the `Idempotency-Key` header. */
export const PostMessageBodySchema = z.object({
  clientId: safeText().min(1).max(64).optional(),
  type: z.enum(['text', 'image', 'file', 'audio']).default('text'),
  text: safeText().max(MESSAGE_TEXT_MAX).default(''),
  replyTo: IdSchema.optional(),
  attachment: AttachmentSchema.optional(),
});
export type PostMessageBody = z.infer<typeof PostMessageBodySchema>;

/** `/conversations/:id/messages/:messageId/...`: one message of a conversation. */
export const MessageParamsSchema = IdParamsSchema.extend({ messageId: IdSchema });

/** PATCH a message: its new text; the idempotency key is `clientId` or the `Idempotency-Key` header. */
export const EditMessageBodySchema = z.object({
  clientId: safeText().min(1).max(64).optional(),
  text: safeText()
    .max(MESSAGE_TEXT_MAX)
    .refine((text) => text.trim() !== '', { message: 'an edit needs non-empty text' }),
});

/** POST a reaction: add `emoji` (or remove it with `remove: true`). */
export const ReactBodySchema = z.object({
  clientId: safeText().min(1).max(64).optional(),
  emoji: ReactionEmojiSchema,
  remove: z.boolean().default(false),
});

/** Query string of GET /search (numbers arrive as strings). */
export const SearchQuerySchema = SearchRequestSchema.extend({
  from: z.coerce.number().int().nonnegative().optional(),
  to: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_PAGE_MAX).default(20),
});

/** Query string of GET /conversations/:id/messages (numbers arrive as strings). */
export const HistoryQuerySchema = HistoryRequestFieldsSchema.omit({ conversationId: true })
  .extend({
    before: z.coerce.number().int().positive().optional(),
    after: z.coerce.number().int().nonnegative().optional(),
    around: z.coerce.number().int().positive().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine(historyBoundsAreValid, { message: '`around` cannot be combined with `before` or `after`', path: ['around'] });

/** POST /conversations/:id/read: I have read up to `seq` (the stored value never moves backwards). */
export const MarkReadBodySchema = z.object({ seq: z.number().int().nonnegative() });

/** Query string of GET /presence: `userIds` is a comma-separated list (repeats and blanks dropped). */
export const PresenceQuerySchema = z.object({
  userIds: z
    .string()
    .transform((list) => [...new Set(list.split(',').map((id) => id.trim()))].filter((id) => id !== ''))
    .pipe(z.array(IdSchema).min(1).max(500)),
});

/** Query string of GET /conversations: `cursor` is the previous page's opaque `nextCursor`. */
export const ConversationListQuerySchema = z.object({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(CONVERSATION_PAGE_MAX).default(CONVERSATION_PAGE_DEFAULT),
});
export type ConversationListQuery = z.infer<typeof ConversationListQuerySchema>;

/** One page of the caller's conversations, most recent activity first; `nextCursor` is null on the last page. */
export const ConversationListSchema = z.object({ conversations: z.array(ConversationSchema), nextCursor: z.string().nullable() });

export const ErrorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** POST /api/v1/admin/notifications: broadcast a system notification. */
export const BroadcastBodySchema = z.object({
  level: NotificationLevelSchema.default('info'),
  title: safeText().trim().min(1).max(200),
  message: safeText().max(4000).default(''),
  audience: AudienceSchema.default({ kind: 'all' }),
});
export type BroadcastBody = z.infer<typeof BroadcastBodySchema>;

/** POST /api/v1/admin/direct: push an application event to one user's sessions. */
export const DirectPushBodySchema = z.object({
  target: DirectTargetSchema,
  event: EventNameSchema,
  /** Any JSON, at most JSON_MAX_DEPTH deep and JSON_MAX_BYTES long. */
  payload: boundedJson().default(null),
});
export type DirectPushBody = z.infer<typeof DirectPushBodySchema>;

/** POST /api/v1/publish (server API key): one of three operations, discriminated on `kind`. */
export const PublishBodySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('message'),
    /** The user the message is sent as (must be a member). */
    senderId: IdSchema,
    conversationId: IdSchema,
    clientId: safeText().min(1).max(64).optional(),
    type: z.enum(['text', 'image', 'file', 'audio']).default('text'),
    text: safeText().max(MESSAGE_TEXT_MAX).default(''),
    replyTo: IdSchema.optional(),
    attachment: AttachmentSchema.optional(),
  }),
  z.object({
    kind: z.literal('notification'),
    level: NotificationLevelSchema.default('info'),
    title: safeText().trim().min(1).max(200),
    message: safeText().max(4000).default(''),
    audience: AudienceSchema,
  }),
  z.object({
    kind: z.literal('event'),
    conversationId: IdSchema.optional(),
    target: DirectTargetSchema.optional(),
    event: EventNameSchema,
    payload: boundedJson().default(null),
  }),
]);
export type PublishBody = z.infer<typeof PublishBodySchema>;

/** Query string of GET /notifications. */
export const NotificationListQuerySchema = z.object({
  unreadOnly: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** POST /notifications/read: mark these notifications read, or all of them. */
export const NotificationsReadBodySchema = z.object({ ids: z.array(IdSchema).max(500).default([]), all: z.boolean().default(false) });

/** What a server API key may publish: `messages` (as the users in its senderIds), `notifications`, `events`. */
export const ApiKeyScopeSchema = z.enum(['messages', 'notifications', 'events']);
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

/** An id, or `*` (any user) in an API key's senderIds. */
export const ApiKeySenderSchema = z.union([z.literal('*'), IdSchema]);

/**
 * POST /admin/api-keys. `conversationIds` omitted = any conversation; `senderIds` = the users the
 * key may post messages as (`["*"]` = any user), required with the `messages` scope: a key acts as
 * the service identities it names, never as an arbitrary user unless it says so. `expiresAt` (ms
 * epoch) must be in the future (checked by the server); omitted = never.
 */
export const CreateApiKeyBodySchema = z
  .object({
    name: safeText().trim().min(1).max(100),
    scopes: z
      .array(ApiKeyScopeSchema)
      .min(1)
      .refine((scopes) => new Set(scopes).size === scopes.length, 'scopes must be unique'),
    conversationIds: z.array(IdSchema).min(1).max(100).optional(),
    senderIds: z
      .array(ApiKeySenderSchema)
      .min(1)
      .max(100)
      .refine((ids) => !ids.includes('*') || ids.length === 1, '"*" (any user) stands alone')
      .optional(),
    expiresAt: z.number().int().positive().optional(),
  })
  .refine((body) => !body.scopes.includes('messages') || body.senderIds !== undefined, {
    message: 'the messages scope needs senderIds: the users this key may post as ("*" for any user)',
    path: ['senderIds'],
  });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBodySchema>;

/** POST /api/v1/errors: a client error report. */
export const ErrorReportBodySchema = z.object({
  message: safeText().min(1).max(2000),
  stack: safeText().max(20_000).optional(),
  componentStack: safeText().max(20_000).optional(),
  url: safeText().max(2000).optional(),
  userAgent: safeText().max(500).optional(),
});
export type ErrorReportBody = z.infer<typeof ErrorReportBodySchema>;

/** Query string of GET /admin/audit: the newest `limit` entries recorded strictly before `before` (ms epoch; omitted = now). */
export const AuditLogQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().nonnegative().optional(),
});
export type AuditLogQuery = z.infer<typeof AuditLogQuerySchema>;

/** Query string of GET /admin/errors. */
export const ErrorReportListQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

/** A stored report. Plain strings, not the body's safe text: a report stored before that rule must still list. */
export const ErrorReportSchema = z.object({
  message: z.string(),
  stack: z.string().optional(),
  componentStack: z.string().optional(),
  url: z.string().optional(),
  userAgent: z.string().optional(),
  id: IdSchema,
  userId: IdSchema.nullable(),
  /** The reporting user's display name now (admin list only; null when signed out or the account is gone). */
  userName: z.string().nullable().optional(),
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

/** The query parameters of a signed download link (`POST /files/:id/link` makes them). */
export const SignedLinkQuerySchema = z.object({
  uid: safeText().min(1).max(64),
  exp: z.string().regex(/^\d{1,16}$/),
  sig: z.string().min(1).max(128),
});
export type SignedLinkQuery = z.infer<typeof SignedLinkQuerySchema>;

/**
 * Query string of GET /files/:id: a whole signed link, or no `sig` at all (then the Bearer token
 * counts, and the rest of the query is ignored). Typed as what callers send: a link or nothing.
 */
export const FileDownloadQuerySchema: z.ZodType<SignedLinkQuery | undefined, Partial<SignedLinkQuery> | undefined> = z.preprocess(
  (query) => ((query as { sig?: unknown } | undefined)?.sig === undefined ? undefined : query),
  SignedLinkQuerySchema.optional(),
) as z.ZodType<SignedLinkQuery | undefined, Partial<SignedLinkQuery> | undefined>;
