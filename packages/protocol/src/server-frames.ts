/**
 * Frames the server sends to clients.
 * Invariant: conversation events (`new_message`, `message_updated`, `message_deleted`,
 * `reaction_updated`) carry the conversation's `seq`, and a session receives them in seq order
 * with no gap after it subscribed.
 */
import { z } from 'zod';
import { ErrorCode } from './codes.js';
import { DeliveryStatusFrameSchema } from './delivery.js';
import { frameSchema } from './envelope.js';
import { MessageDeletedFrameSchema, MessageUpdatedFrameSchema, ReactionUpdatedFrameSchema } from './message-changes.js';
import { ConversationSchema, DeviceSchema, IdSchema, MemberSchema, MessageSchema, MessageTypeSchema, UserSchema } from './models.js';
import { UserChangedFrameSchema } from './profile.js';
import { ConversationMutedFrameSchema } from './push.js';
import { EventNameSchema, NotificationSchema, PresenceSchema, StatsSchema } from './realtime.js';

/** Sent once after a successful `authenticate`. */
export const ConnectedFrameSchema = frameSchema(
  'connected',
  z.literal('system'),
  z.object({
    connectionId: IdSchema,
    user: UserSchema,
    device: DeviceSchema,
    serverTime: z.number().int(),
    /** How often the client should send `heartbeat` (ms). */
    heartbeatIntervalMs: z.number().int().positive(),
    /**
     * When the access token this socket authenticated with expires (ms epoch). Send
     * `reauthenticate` with a fresh token before then, or the server closes with 4001 `token_expired`.
     */
    credentialExpiresAt: z.number().int(),
    limits: z.object({
      maxFrameBytes: z.number().int().positive(),
      ratePerSecond: z.number().positive(),
      burst: z.number().int().positive(),
      // Optional so a client keeps working against a server older than these limits.
      /** Most sockets one account may hold open at once (cluster-wide when the server runs on Redis). */
      userSockets: z.number().int().positive().optional(),
      /** One token bucket per account shared by all its sockets on a node: refill per second, and size. */
      userRatePerSecond: z.number().positive().optional(),
      userBurst: z.number().int().positive().optional(),
    }),
  }),
);

/** The positive reply to a request frame: `ref` is the request's `id`. */
export const AckFrameSchema = frameSchema('ack', z.literal('ack'), z.object({ ref: z.string(), result: z.unknown() }));

const ErrorCodeSchema = z.enum(Object.values(ErrorCode) as [ErrorCode, ...ErrorCode[]]);

/** The negative reply to a frame (`ref` = its id when known), or a connection-level problem. */
export const ErrorFrameSchema = frameSchema(
  'error',
  z.literal('error'),
  z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    ref: z.string().optional(),
    details: z.unknown().optional(),
  }),
);

/** A message in a conversation the user belongs to; `type` mirrors `data.type`. */
export const NewMessageFrameSchema = frameSchema('new_message', MessageTypeSchema, MessageSchema);

/** Reply to a client heartbeat. */
export const HeartbeatReplyFrameSchema = frameSchema(
  'heartbeat',
  z.literal('heartbeat'),
  z.object({ ref: z.string().optional(), serverTime: z.number().int() }),
);

/** Someone in a conversation started or stopped typing (also sent when an indicator expires). */
export const TypingStatusFrameSchema = frameSchema(
  'typing_status',
  z.literal('typing'),
  z.object({ conversationId: IdSchema, userId: IdSchema, isTyping: z.boolean() }),
);

/** A member's read position moved forward. */
export const ReadStatusFrameSchema = frameSchema(
  'read_status',
  z.literal('read'),
  z.object({ conversationId: IdSchema, userId: IdSchema, lastReadSeq: z.number().int().nonnegative() }),
);

/** A user you share a conversation with came online or went offline. */
export const PresenceUpdateFrameSchema = frameSchema('presence_update', z.literal('presence'), PresenceSchema);

/** Users this connection watches (`presence_subscribe`) whose presence changed since the last batch: at most one frame per tick. */
export const PresenceBatchFrameSchema = frameSchema(
  'presence_batch',
  z.literal('presence'),
  z.object({ presence: z.array(PresenceSchema).min(1) }),
);

/** A system notification (live, or missed ones replayed after `connected`). */
export const SystemNotificationFrameSchema = frameSchema('system_notification', z.literal('system'), NotificationSchema);

/** An application event pushed to this user (all sessions, one connection, or one device type). */
export const DirectMessageFrameSchema = frameSchema(
  'direct_message',
  z.literal('event'),
  z.object({ event: EventNameSchema, payload: z.unknown() }),
);

/** An application event published to a conversation's members (not persisted, no seq). */
export const ConversationEventFrameSchema = frameSchema(
  'conversation_event',
  z.literal('event'),
  z.object({ conversationId: IdSchema, event: EventNameSchema, payload: z.unknown() }),
);

/**
 * This user now belongs to a conversation (it was created with them, or they were added to it): the
 * conversation as their own list shows it. Sent to every session of that user, the creator's
 * included; `by` is who created it or added them.
 */
export const ConversationAddedFrameSchema = frameSchema(
  'conversation_added',
  z.literal('system'),
  z.object({ conversation: ConversationSchema, by: IdSchema }),
);

/**
 * A conversation's list-visible fields that every member sees alike changed (renamed, members
 * added): the new values, to replace the list entry's. Per-member fields (`unreadCount`,
 * `lastMessage`, `lastSeq`) are not here: `new_message` and `read_status` keep those.
 */
export const ConversationUpdatedFrameSchema = frameSchema(
  'conversation_updated',
  z.literal('system'),
  z.object({
    conversationId: IdSchema,
    title: z.string().nullable(),
    ownerId: IdSchema.nullable(),
    members: z.array(MemberSchema),
    by: IdSchema,
  }),
);

/**
 * `userId` left a conversation (`by` = `userId`) or was removed by `by`. Sent to the removed user's
 * sessions (drop the conversation: nothing more of it arrives) and to the remaining members'.
 */
export const MemberRemovedFrameSchema = frameSchema(
  'member_removed',
  z.literal('system'),
  z.object({ conversationId: IdSchema, userId: IdSchema, by: IdSchema }),
);

/** Live server statistics, every second, for admins who sent `stats_subscribe`. */
export const StatsFrameSchema = frameSchema('stats', z.literal('system'), StatsSchema);

/** Every frame a server may send, discriminated on `action`. */
export const ServerFrameSchema = z.discriminatedUnion('action', [
  ConnectedFrameSchema,
  AckFrameSchema,
  ErrorFrameSchema,
  NewMessageFrameSchema,
  HeartbeatReplyFrameSchema,
  TypingStatusFrameSchema,
  ReadStatusFrameSchema,
  PresenceUpdateFrameSchema,
  PresenceBatchFrameSchema,
  SystemNotificationFrameSchema,
  DirectMessageFrameSchema,
  ConversationEventFrameSchema,
  StatsFrameSchema,
  ConversationAddedFrameSchema,
  ConversationUpdatedFrameSchema,
  MemberRemovedFrameSchema,
  MessageUpdatedFrameSchema,
  MessageDeletedFrameSchema,
  ReactionUpdatedFrameSchema,
  ConversationMutedFrameSchema,
  DeliveryStatusFrameSchema,
  UserChangedFrameSchema,
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
export type ServerAction = ServerFrame['action'];
export type ServerFrameOf<A extends ServerAction> = Extract<ServerFrame, { action: A }>;
