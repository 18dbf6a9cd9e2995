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

/**
 * One emoji's reactions on a message. `userIds` lists at most REACTION_USERS_SHOWN of them (the
 * earliest); `count` is the whole number. `mine` is whether the viewer reacted with it: history and
 * REST answers set it per viewer; a message in a `new_message` frame has no reactions yet.
 */
export const ReactionSchema = z.object({
  emoji: z.string(),
  count: z.number().int().positive(),
  userIds: z.array(IdSchema),
  mine: z.boolean(),
});
export type Reaction = z.infer<typeof ReactionSchema>;

/**
 * The quoted message a reply points at, resolved by the server: its author and first line, or
 * `deleted: true` (and empty text) once it was deleted, or `missing: true` when message retention
 * removed it.
 */
export const ReplyPreviewSchema = z.object({
  messageId: IdSchema,
  seq: z.number().int().positive().nullable(),
  senderId: IdSchema.nullable(),
  senderName: z.string().nullable(),
  type: MessageTypeSchema.nullable(),
  /** The first line of its text, at most REPLY_PREVIEW_MAX characters (an attachment's name when it has no text). */
  text: z.string(),
  deleted: z.boolean(),
  missing: z.boolean(),
});
export type ReplyPreview = z.infer<typeof ReplyPreviewSchema>;

/** `@all` (every member) or `@here` (members online now) in a group message. */
export const GroupMentionSchema = z.enum(['all', 'here']);
export type GroupMention = z.infer<typeof GroupMentionSchema>;

/** Whom a message mentions, resolved by the server from its text when it is sent or edited. */
export const MentionsSchema = z.object({
  /** Members mentioned by `@name` (at most MENTIONS_MAX). */
  mentions: z.array(IdSchema).default([]),
  /** `@all` or `@here` in a group message by someone allowed to use it. */
  groupMention: GroupMentionSchema.nullable().default(null),
});
export type Mentions = z.infer<typeof MentionsSchema>;

/**
 * A persisted conversation message. `seq` is per conversation, starts at 1 and has no gaps across
 * the conversation's stream (messages, edits, deletions and reaction changes each take one).
 * A message is always given in its current state: edited text, tombstone, reactions.
 */
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
  /** When its text was last edited (null: never). History keeps the latest text only. */
  editedAt: TimestampSchema.nullable().default(null),
  /** When it was deleted: a tombstone, its text empty and attachment null for everyone. */
  deletedAt: TimestampSchema.nullable().default(null),
  ...MentionsSchema.shape,
  reactions: z.array(ReactionSchema).default([]),
  /** What `replyTo` points at, resolved by the server (null when it is not a reply). */
  replyPreview: ReplyPreviewSchema.nullable().default(null),
  /**
   * The seq of the latest change to this message (its own seq until it is edited, deleted or
   * reacted to). A client keeps a copy only if it is newer, and applies a change event only if its
   * seq is above it: replays and late answers never bring back old text.
   */
  revision: z.number().int().positive().optional(),
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
  /** How far this member's devices confirmed receiving (`delivery_status`); optional for servers that predate it. */
  deliveredSeq: z.number().int().nonnegative().optional(),
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
  /** The viewer muted it (`PUT /conversations/:id/mute`); absent from servers before push (then: not muted). */
  muted: z.boolean().optional(),
});
export type Conversation = z.infer<typeof ConversationSchema>;

export {
  HISTORY_PAGE_MAX,
  MENTIONS_MAX,
  MESSAGE_TEXT_MAX,
  REACTION_USERS_SHOWN,
  REACTIONS_PER_MESSAGE_MAX,
  REACTIONS_PER_USER_MAX,
  REPLY_PREVIEW_MAX,
} from './limits.js';
