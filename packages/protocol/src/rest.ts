/**
 * HTTP API bodies under /api/v1: request schemas (validated by the server) and response shapes.
 * Errors always come back as `{ error: { code, message, details? } }` with a matching HTTP status.
 */
import { z } from 'zod';
import { HistoryRequestSchema } from './client-frames.js';
import { AttachmentSchema, ConversationSchema, IdSchema, MESSAGE_TEXT_MAX, RoleSchema, UserSchema } from './models.js';

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
