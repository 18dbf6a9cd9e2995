/**
 * Domain records as they travel on the wire (users, devices, conversations, messages).
 * Invariant: these schemas are the only definition of these shapes; server and client import them.
 */
import { z } from 'zod';
import { safeText } from './text.js';

/** Opaque identifiers (UUIDs today; treat as strings). Safe text: an id with NUL in it is refused, never looked up. */
export const IdSchema = safeText().min(1).max(64);

/** Milliseconds since the Unix epoch. */
export const TimestampSchema = z.number().int().nonnegative();

export const DeviceTypeSchema = z.enum(['desktop', 'mobile', 'tablet']);
export type DeviceType = z.infer<typeof DeviceTypeSchema>;

/** What a client says about the device it runs on when it authenticates. */
export const DeviceSchema = z.object({
  deviceType: DeviceTypeSchema,
  /** Stable per install/browser profile; lets the server target one device. */
  deviceId: safeText().min(1).max(128),
  /** Free text shown to admins, e.g. "Firefox on macOS". */
  name: safeText().max(200).optional(),
});
export type Device = z.infer<typeof DeviceSchema>;

/** The author of a frame, as shown to other users. */
export const SenderSchema = z.object({
  id: IdSchema,
  name: z.string(),
  avatar: z.string().nullable().optional(),
});
export type Sender = z.infer<typeof SenderSchema>;

/** `admin` and `user` are built in; admins may assign any other role name (e.g. `doctor`). */
export const RoleSchema = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z][a-z0-9_-]*$/, 'lowercase letters, digits, _ and -');
export type Role = z.infer<typeof RoleSchema>;

export const UserSchema = z.object({
  id: IdSchema,
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  avatar: z.string().nullable(),
  createdAt: TimestampSchema,
});
export type User = z.infer<typeof UserSchema>;

/** Another user as any signed-in user may see them: no email, no role (only admins see those). */
export const UserSummarySchema = z.object({
  id: IdSchema,
  name: z.string(),
  avatar: z.string().nullable(),
});
export type UserSummary = z.infer<typeof UserSummarySchema>;

/**
 * One user search result: a summary for everyone; an admin's search also carries `email`, `role`,
 * `createdAt` and `disabled` (so both shapes satisfy this one schema).
 */
export const UserSearchResultSchema = UserSummarySchema.extend({
  email: z.string().optional(),
  role: RoleSchema.optional(),
  createdAt: TimestampSchema.optional(),
  /** Admins only: an admin disabled this account (sign-in refused until enabled). */
  disabled: z.boolean().optional(),
});
export type UserSearchResult = z.infer<typeof UserSearchResultSchema>;

/** Kinds of conversation message. `system` messages are written by the server only. */
export const MessageTypeSchema = z.enum(['text', 'image', 'file', 'audio', 'system']);
export type MessageType = z.infer<typeof MessageTypeSchema>;

/** A reference to an uploaded file carried by image/file/audio messages. */
export const AttachmentSchema = z.object({
  fileId: IdSchema,
  name: safeText().max(255).optional(),
  mimeType: safeText().max(255).optional(),
  size: z.number().int().nonnegative().optional(),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
  durationMs: z.number().int().nonnegative().optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

/** A persisted conversation message. `seq` is per conversation, starts at 1 and has no gaps. */
export const MessageSchema = z.object({
  id: IdSchema,
  /** The sender's idempotency key (the id of the frame or REST request that created it). */
  clientId: z.string(),
  conversationId: IdSchema,
  seq: z.number().int().positive(),
  senderId: IdSchema,
  type: MessageTypeSchema,
  text: z.string(),
  replyTo: IdSchema.nullable(),
  attachment: AttachmentSchema.nullable(),
  createdAt: TimestampSchema,
});
export type Message = z.infer<typeof MessageSchema>;

export const ConversationKindSchema = z.enum(['direct', 'group']);
export type ConversationKind = z.infer<typeof ConversationKindSchema>;

export const MemberSchema = z.object({
  userId: IdSchema,
  name: z.string(),
  avatar: z.string().nullable(),
  role: z.enum(['owner', 'member']),
  lastReadSeq: z.number().int().nonnegative(),
});
export type Member = z.infer<typeof MemberSchema>;

/** A conversation as seen by one member (unread count and last message are theirs). */
export const ConversationSchema = z.object({
  id: IdSchema,
  kind: ConversationKindSchema,
  title: z.string().nullable(),
  ownerId: IdSchema.nullable(),
  lastSeq: z.number().int().nonnegative(),
  createdAt: TimestampSchema,
  members: z.array(MemberSchema),
  lastMessage: MessageSchema.nullable(),
  unreadCount: z.number().int().nonnegative(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

/** Limits on message content, shared so clients can validate before sending. */
export const MESSAGE_TEXT_MAX = 16_000;
/** The largest page `history` returns. */
export const HISTORY_PAGE_MAX = 200;
