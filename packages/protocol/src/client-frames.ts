/**
 * Frames a client sends to the server, and the result each request gets back in its `ack`.
 * Invariant: every request action has an entry in `RequestResultSchemas`, so a client can
 * type `send(action, data)` from this file alone.
 */
import { z } from 'zod';
import { MarkDeliveredFrameSchema, MarkDeliveredResultSchema } from './delivery.js';
import { frameSchema } from './envelope.js';
import { PRESENCE_IDS_MAX } from './limits.js';
import {
  ConversationChangeSchema,
  DeleteMessageFrameSchema,
  DeleteMessageResultSchema,
  EditMessageFrameSchema,
  EditMessageResultSchema,
  ReactFrameSchema,
  ReactResultSchema,
} from './message-changes.js';
import { AttachmentSchema, DeviceSchema, HISTORY_PAGE_MAX, IdSchema, MESSAGE_TEXT_MAX, MessageSchema } from './models.js';
import { PresenceSchema } from './realtime.js';
import { SearchFrameSchema, SearchResultSchema } from './search.js';
import { sendMessageIssues } from './send-message-rules.js';
import { boundedJson, safeText } from './text.js';

const control = z.literal('control');

/** First frame on every socket: proves who the client is. */
export const AuthenticateFrameSchema = frameSchema(
  'authenticate',
  control,
  z.object({ token: z.string().min(1).max(4096), device: DeviceSchema }),
);

/**
 * Swap the socket's credential for a fresh access token of the same user, before the current one
 * expires: subscriptions and everything in flight stay as they are. Acked with the new expiry.
 */
export const ReauthenticateFrameSchema = frameSchema('reauthenticate', control, z.object({ token: z.string().min(1).max(4096) }));

/**
 * Start (or resume) a gapless stream of one conversation; `since` = last seq the client has.
 * `ackFirst`: acknowledge at once with the catch-up's target seq, then stream the missed messages
 * (so a long catch-up never holds the ack back); without it the ack follows the catch-up.
 */
export const SubscribeFrameSchema = frameSchema(
  'subscribe',
  control,
  z.object({ conversationId: IdSchema, since: z.number().int().nonnegative().optional(), ackFirst: z.boolean().optional() }),
);

export const UnsubscribeFrameSchema = frameSchema('unsubscribe', control, z.object({ conversationId: IdSchema }));

/** Data of a message the client sends; `type` on the envelope says text/image/file/audio. */
export const SendMessageDataSchema = z.object({
  conversationId: IdSchema,
  text: safeText().max(MESSAGE_TEXT_MAX).default(''),
  replyTo: IdSchema.optional(),
  attachment: AttachmentSchema.optional(),
});

/** Post a message. The frame `id` is the idempotency key: resending it never creates a second message. */
export const SendMessageFrameSchema = frameSchema(
  'send_message',
  z.enum(['text', 'image', 'file', 'audio']),
  SendMessageDataSchema,
).superRefine((frame, ctx) => {
  for (const issue of sendMessageIssues(frame.type, frame.data))
    ctx.addIssue({ code: 'custom', path: issue.path.split('.'), message: issue.message });
});

/**
 * Application heartbeat; the server answers with a `heartbeat` frame echoing `ref`. Its data may carry
 * any fields (kept, never read), bounded like every "any JSON" value.
 */
export const HeartbeatFrameSchema = frameSchema('heartbeat', z.literal('heartbeat'), boundedJson(z.object({}).passthrough()));

/**
 * One page of history, always oldest-first, each message in its current state (edits, deletions and
 * reactions applied; change events are not messages and never appear here). `before` (exclusive)
 * pages backwards: the newest `limit` messages below it. `after` (exclusive) pages forwards: the
 * oldest `limit` above it. `around`: the message with that seq (if it is a message) and about
 * `limit / 2` on each side, for jumping to a message. None: the latest page. At most one of the three.
 */
export const HistoryRequestFieldsSchema = z.object({
  conversationId: IdSchema,
  before: z.number().int().positive().optional(),
  after: z.number().int().nonnegative().optional(),
  around: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).default(50),
});

/** `around` names one place to read from: it cannot be combined with `before` or `after`. */
export function historyBoundsAreValid(query: {
  before?: number | undefined;
  after?: number | undefined;
  around?: number | undefined;
}): boolean {
  return query.around === undefined || (query.before === undefined && query.after === undefined);
}
const historyBoundsMessage = { message: '`around` cannot be combined with `before` or `after`', path: ['around'] };

export const HistoryRequestSchema = HistoryRequestFieldsSchema.refine(historyBoundsAreValid, historyBoundsMessage);
export const HistoryFrameSchema = frameSchema('history', control, HistoryRequestSchema);

/** I am (or stopped) typing in a conversation. An event: no ack; errors (e.g. forbidden) are reported. */
export const TypingFrameSchema = frameSchema(
  'typing_status',
  z.literal('typing'),
  z.object({ conversationId: IdSchema, isTyping: z.boolean() }),
);

/** I have read up to `seq`. The stored value never moves backwards. */
export const MarkReadFrameSchema = frameSchema(
  'mark_read',
  z.literal('read'),
  z.object({ conversationId: IdSchema, seq: z.number().int().nonnegative() }),
);

/** Current presence of up to 500 users. */
export const PresenceQueryFrameSchema = frameSchema('presence_query', control, z.object({ userIds: z.array(IdSchema).min(1).max(500) }));

/**
 * Watch the presence of up to 500 users (those this connection shows): the ack carries their
 * current presence, and changes come as `presence_batch` frames (one per tick for every watched
 * user that changed) until `presence_unsubscribe` or the connection ends. Only the asker and users
 * who share a conversation with them are answered and watched; others are left out. A connection
 * watches at most `PRESENCE_WATCH_MAX` users (`too_big` past it).
 */
export const PresenceSubscribeFrameSchema = frameSchema(
  'presence_subscribe',
  control,
  z.object({ userIds: z.array(IdSchema).min(1).max(PRESENCE_IDS_MAX) }),
);
/** Stop watching these users' presence. */
export const PresenceUnsubscribeFrameSchema = frameSchema(
  'presence_unsubscribe',
  control,
  z.object({ userIds: z.array(IdSchema).min(1).max(PRESENCE_IDS_MAX) }),
);
/** How many members of a conversation are online (members only): what a large group shows instead of a dot per member. */
export const ConversationPresenceFrameSchema = frameSchema('conversation_presence', control, z.object({ conversationId: IdSchema }));

/** Admins only: receive a `stats` frame every second until `stats_unsubscribe`. */
export const StatsSubscribeFrameSchema = frameSchema('stats_subscribe', control, z.object({}));
export const StatsUnsubscribeFrameSchema = frameSchema('stats_unsubscribe', control, z.object({}));

/** Mark system notifications read (ids), or all of them (`all: true`). */
export const NotificationsReadFrameSchema = frameSchema(
  'notifications_read',
  control,
  z.object({ ids: z.array(IdSchema).max(500).default([]), all: z.boolean().default(false) }),
);

/** Every frame a client may send, discriminated on `action`. */
export const ClientFrameSchema = z.discriminatedUnion('action', [
  AuthenticateFrameSchema,
  ReauthenticateFrameSchema,
  SubscribeFrameSchema,
  UnsubscribeFrameSchema,
  SendMessageFrameSchema,
  HeartbeatFrameSchema,
  HistoryFrameSchema,
  TypingFrameSchema,
  MarkReadFrameSchema,
  PresenceQueryFrameSchema,
  PresenceSubscribeFrameSchema,
  PresenceUnsubscribeFrameSchema,
  ConversationPresenceFrameSchema,
  StatsSubscribeFrameSchema,
  StatsUnsubscribeFrameSchema,
  NotificationsReadFrameSchema,
  EditMessageFrameSchema,
  DeleteMessageFrameSchema,
  ReactFrameSchema,
  SearchFrameSchema,
  MarkDeliveredFrameSchema,
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;
export type ClientAction = ClientFrame['action'];
export type ClientFrameOf<A extends ClientAction> = Extract<ClientFrame, { action: A }>;

export const SendMessageResultSchema = z.object({
  messageId: IdSchema,
  conversationId: IdSchema,
  seq: z.number().int().positive(),
  createdAt: z.number().int(),
  /** True when this id was seen before and the original message is returned. */
  duplicate: z.boolean(),
});
export type SendMessageResult = z.infer<typeof SendMessageResultSchema>;

export const HistoryResultSchema = z.object({
  messages: z.array(MessageSchema),
  /** More messages exist beyond this page in the direction asked (for `around`: older ones). */
  hasMore: z.boolean(),
  /** `around` only: newer messages exist after this page. */
  hasNewer: z.boolean().optional(),
  /**
   * Read with `after` alone (a client filling a gap in the stream): the change events whose seqs fall
   * in this page's stretch, oldest first. `limit` counts messages and changes together, so the page
   * is a contiguous run of seqs. Absent for the other kinds of page.
   */
  changes: z.array(ConversationChangeSchema).optional(),
  /**
   * The oldest seq the conversation still keeps (1 unless message retention deleted older ones):
   * seqs below it are gone for good, not missing, so they are never asked for again. Herald's
   * server always sends it; optional for servers that predate it.
   */
  firstSeq: z.number().int().positive().optional(),
});
export type HistoryResult = z.infer<typeof HistoryResultSchema>;

/** The `ack.data.result` of each request action. */
export const RequestResultSchemas = {
  reauthenticate: z.object({
    /** When the new credential expires (ms epoch); renew again before it. */
    credentialExpiresAt: z.number().int(),
  }),
  subscribe: z.object({
    conversationId: IdSchema,
    /**
     * Without `ackFirst`: the last seq the catch-up sent (every message up to it has been sent).
     * With `ackFirst`: the catch-up's target, the conversation's last seq when the subscribe was
     * read (every message up to it follows this ack, before any later live one).
     */
    lastSeq: z.number().int().nonnegative(),
    /**
     * The oldest seq the conversation still keeps. When `since` + 1 is below it, the catch-up
     * starts at it: the seqs between were deleted by retention, not lost. Herald's server always
     * sends it; optional for servers that predate it.
     */
    firstSeq: z.number().int().positive().optional(),
  }),
  unsubscribe: z.object({ conversationId: IdSchema }),
  send_message: SendMessageResultSchema,
  history: HistoryResultSchema,
  mark_read: z.object({
    conversationId: IdSchema,
    /** The stored last-read seq after this call (never lower than before). */
    lastReadSeq: z.number().int().nonnegative(),
    unreadCount: z.number().int().nonnegative(),
  }),
  presence_query: z.object({ presence: z.array(PresenceSchema) }),
  /** The current presence of the users now watched (strangers left out). */
  presence_subscribe: z.object({ presence: z.array(PresenceSchema) }),
  /** How many users this connection still watches. */
  presence_unsubscribe: z.object({ watching: z.number().int().nonnegative() }),
  conversation_presence: z.object({
    conversationId: IdSchema,
    /** Members of the conversation. */
    members: z.number().int().nonnegative(),
    /** Of them, online now (a user online on any node, or within the offline grace period). */
    online: z.number().int().nonnegative(),
  }),
  stats_subscribe: z.object({ intervalMs: z.number().int().positive() }),
  stats_unsubscribe: z.object({}),
  notifications_read: z.object({ updated: z.number().int().nonnegative() }),
  edit_message: EditMessageResultSchema,
  delete_message: DeleteMessageResultSchema,
  react: ReactResultSchema,
  search: SearchResultSchema,
  mark_delivered: MarkDeliveredResultSchema,
} as const;
export type RequestAction = keyof typeof RequestResultSchemas;
export type RequestResult<A extends RequestAction> = z.infer<(typeof RequestResultSchemas)[A]>;
