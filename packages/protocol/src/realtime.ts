/**
 * Real-time state and notification records: typing, read receipts, presence, system
 * notifications, direct pushes, conversation events and admin stats.
 */
import { z } from 'zod';
import { DeviceTypeSchema, IdSchema, RoleSchema, TimestampSchema } from './models.js';

export const PresenceSchema = z.object({
  userId: IdSchema,
  online: z.boolean(),
  /** When the user was last connected (ms epoch); null if never seen by this cluster. */
  lastSeenAt: TimestampSchema.nullable(),
  /** Device types with a live session (empty when offline). */
  deviceTypes: z.array(DeviceTypeSchema),
});
export type Presence = z.infer<typeof PresenceSchema>;

export { LARGE_GROUP_MIN_MEMBERS, PRESENCE_IDS_MAX, PRESENCE_WATCH_MAX } from './limits.js';

export const NotificationLevelSchema = z.enum(['info', 'warning', 'error']);
export type NotificationLevel = z.infer<typeof NotificationLevelSchema>;

/** Who a system notification is for. */
export const AudienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('all') }),
  z.object({ kind: z.literal('role'), role: RoleSchema }),
  z.object({ kind: z.literal('conversation'), conversationId: IdSchema }),
  z.object({ kind: z.literal('user'), userId: IdSchema }),
]);
export type Audience = z.infer<typeof AudienceSchema>;

export const NotificationSchema = z.object({
  id: IdSchema,
  level: NotificationLevelSchema,
  title: z.string().min(1).max(200),
  message: z.string().max(4000),
  audience: AudienceSchema,
  createdAt: TimestampSchema,
  /** Whether the receiving user has marked it read. */
  read: z.boolean(),
});
export type Notification = z.infer<typeof NotificationSchema>;

/** Targeting of a direct push: all of a user's sessions, one connection, or one device type. */
export const DirectTargetSchema = z.object({
  userId: IdSchema,
  connectionId: IdSchema.optional(),
  deviceType: DeviceTypeSchema.optional(),
});
export type DirectTarget = z.infer<typeof DirectTargetSchema>;

/** Application-defined event names: letters, digits, `.`, `_`, `:` and `-`. */
export const EventNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, . _ : -');

export const NodeStatsSchema = z.object({
  nodeId: z.string(),
  uptimeSeconds: z.number().nonnegative(),
  connections: z.number().int().nonnegative(),
  onlineUsers: z.number().int().nonnegative(),
  rssBytes: z.number().nonnegative(),
  heapUsedBytes: z.number().nonnegative(),
  messagesPerSecond1s: z.number().nonnegative(),
  messagesPerSecond1m: z.number().nonnegative(),
});
export type NodeStats = z.infer<typeof NodeStatsSchema>;

export const StatsSchema = z.object({
  connections: z.number().int().nonnegative(),
  onlineUsers: z.number().int().nonnegative(),
  messagesPerSecond1s: z.number().nonnegative(),
  messagesPerSecond1m: z.number().nonnegative(),
  nodes: z.array(NodeStatsSchema),
  at: TimestampSchema,
});
export type Stats = z.infer<typeof StatsSchema>;

/** A connected session as admins see it. */
export const SessionInfoSchema = z.object({
  connectionId: IdSchema,
  nodeId: z.string(),
  deviceType: DeviceTypeSchema,
  deviceId: z.string(),
  deviceName: z.string().nullable(),
  connectedAt: TimestampSchema,
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

export const OnlineUserSchema = z.object({
  userId: IdSchema,
  name: z.string(),
  role: RoleSchema,
  sessions: z.array(SessionInfoSchema),
});
export type OnlineUser = z.infer<typeof OnlineUserSchema>;

/** Typing indicators expire this long after the last `isTyping: true` refresh. */
export const TYPING_TTL_MS = 5_000;
