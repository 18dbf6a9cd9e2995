/**
 * Delivery receipts: "a device of mine has received this conversation up to `seq`" (client →
 * server, `mark_delivered`) and "member X's devices have received up to `seq`" (server → members,
 * `delivery_status`). Between ✓ sent (the server stored it) and ✓✓ read (the reader saw it).
 * Invariants: a member's delivered position only moves forward and never past the conversation's
 * last seq; a server-written frame is never taken as proof, only a client's confirmation is.
 */
import { z } from 'zod';
import { frameSchema } from './envelope.js';
import { IdSchema } from './models.js';

const delivery = z.literal('delivery');

/**
 * A device of mine holds every message of the conversation up to `seq` (live, caught up or from
 * history). Sent by the client SDK on its own, coalesced; a `seq` past the conversation's last seq
 * is clamped to it. Acked with the stored position.
 */
export const MarkDeliveredFrameSchema = frameSchema(
  'mark_delivered',
  delivery,
  z.object({ conversationId: IdSchema, seq: z.number().int().nonnegative() }),
);

/** The `ack` result of `mark_delivered`. */
export const MarkDeliveredResultSchema = z.object({
  conversationId: IdSchema,
  /** The stored delivered seq after this call (never lower than before). */
  deliveredSeq: z.number().int().nonnegative(),
});
export type MarkDeliveredResult = z.infer<typeof MarkDeliveredResultSchema>;

/** A member's delivered position moved forward (sent to the conversation's members, coalesced). */
export const DeliveryStatusFrameSchema = frameSchema(
  'delivery_status',
  delivery,
  z.object({ conversationId: IdSchema, userId: IdSchema, deliveredSeq: z.number().int().nonnegative() }),
);

export { DELIVERY_CONFIRM_INTERVAL_MS } from './limits.js';
