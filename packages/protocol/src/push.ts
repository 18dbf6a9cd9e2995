/**
 * Web Push and per-conversation mute: the wire shapes of a device's push subscription, the
 * encrypted payload a service worker receives, and a member's mute.
 * Invariants: a subscription is one device (upserted by its `endpoint`, which is unique); the
 * server only ever POSTs to an endpoint that passed its checks (https; loopback http only when the
 * operator allowed it for tests); a payload is at most PUSH_PAYLOAD_MAX bytes of UTF-8 JSON.
 */
import { z } from 'zod';
import { frameSchema } from './envelope.js';
import { IdSchema, TimestampSchema } from './models.js';
import { safeText } from './text.js';

/** The largest push payload the server sends, in bytes of JSON (push services accept ~4 KB after encryption). */
export const PUSH_PAYLOAD_MAX = 3072;
/** The longest push endpoint URL accepted. */
export const PUSH_ENDPOINT_MAX = 2048;
/** Subscriptions one user may hold (the oldest is replaced past it). */
export const PUSH_SUBSCRIPTIONS_MAX = 20;

const base64url = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'must be base64url');

/** `POST /api/v1/push/subscriptions`: a browser's PushSubscription (its `toJSON()`), and this device's choice. */
export const PushSubscribeBodySchema = z.object({
  endpoint: z.string().min(1).max(PUSH_ENDPOINT_MAX),
  keys: z.object({
    /** The user agent's P-256 public key, uncompressed (65 bytes, 87 base64url characters). */
    p256dh: base64url(80, 100),
    /** The 16-byte auth secret (22 base64url characters). */
    auth: base64url(16, 32),
  }),
  /** true (default): the notification shows the sender and a preview; false: only "New message". */
  preview: z.boolean().default(true),
  /** A device name for the list; the server derives one from the User-Agent when absent. */
  label: safeText().trim().min(1).max(80).optional(),
});
export type PushSubscribeBody = z.input<typeof PushSubscribeBodySchema>;

/** One of the caller's push subscriptions (the keys are never sent back). */
export const PushSubscriptionSchema = z.object({
  id: IdSchema,
  endpoint: z.string(),
  label: z.string(),
  preview: z.boolean(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type PushSubscriptionView = z.infer<typeof PushSubscriptionSchema>;

export const PushSubscriptionResponseSchema = z.object({ subscription: PushSubscriptionSchema });
export const PushSubscriptionListResponseSchema = z.object({ subscriptions: z.array(PushSubscriptionSchema) });

/** `GET /api/v1/push/vapid-key`: the application server key a browser subscribes with. */
export const VapidKeyResponseSchema = z.object({
  /** The VAPID public key, base64url (pass it as `applicationServerKey`). */
  publicKey: z.string(),
});

/**
 * What a service worker receives (decrypted, JSON): one notification per conversation. A later
 * push for the same conversation carries the same `tag` and replaces the earlier notification.
 */
export const PushPayloadSchema = z.object({
  conversationId: IdSchema,
  /** The sender's name (a direct conversation) or "sender · group" (a group); "Herald" without previews. */
  title: z.string(),
  /** A preview of the newest message, or "" when the subscription chose private previews (show a generic text). */
  body: z.string(),
  /** The newest message's seq in the conversation. */
  seq: z.number().int().positive(),
  /** How many messages this notification stands for (a burst collapsed into one push). */
  count: z.number().int().positive(),
  /** Where a click should lead: `/chat/<conversationId>`. */
  url: z.string(),
  /** The notification tag: `herald:<conversationId>`. */
  tag: z.string(),
  /** Whether the body is a preview (false: private previews; show "New message"). */
  preview: z.boolean(),
});
export type PushPayload = z.infer<typeof PushPayloadSchema>;

/** `PUT /api/v1/conversations/:id/mute`: mute or unmute a conversation for the caller (every device). */
export const MuteBodySchema = z.object({ muted: z.boolean() });
export const MuteResponseSchema = z.object({ conversationId: IdSchema, muted: z.boolean() });

/** The caller muted or unmuted a conversation: sent to every session of that user (other tabs and devices). */
export const ConversationMutedFrameSchema = frameSchema(
  'conversation_muted',
  z.literal('system'),
  z.object({ conversationId: IdSchema, muted: z.boolean() }),
);
