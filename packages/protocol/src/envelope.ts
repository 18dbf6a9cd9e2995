/**
 * The envelope every frame shares, in both directions:
 * `{ id, type, action, data, timestamp, sender? }`.
 * `action` says what the frame means and discriminates the union; `type` says what kind of
 * content it carries (text, image, ack, error, ...), so a generic client can route on either.
 */
import { z } from 'zod';
import { SenderSchema, TimestampSchema } from './models.js';
import { safeText } from './text.js';

/** Every `type` a frame may carry. New features add types here, never reuse one. */
export const FrameTypeSchema = z.enum([
  'text',
  'image',
  'file',
  'audio',
  'system',
  'typing',
  'read',
  'heartbeat',
  'ack',
  'error',
  'presence',
  'control',
  'event',
  'delivery',
]);
export type FrameType = z.infer<typeof FrameTypeSchema>;

/**
 * A frame id: client-chosen for client frames (and the idempotency key of `send_message`).
 * 1–64 characters counted in code points (zod counts strings so), safe text (no NUL, no lone
 * surrogate: it has no UTF-8 form, so it could not come back as sent): every reply echoes a valid
 * id whole as its `ref`, and an invalid one is never echoed (codec.ts).
 */
export const FrameIdSchema = safeText().min(1).max(64);

/** Build the schema of one frame: a literal action, the allowed types, and its data. */
export function frameSchema<A extends string, T extends z.ZodType<FrameType>, D extends z.ZodType>(action: A, type: T, data: D) {
  return z.object({
    id: FrameIdSchema,
    type,
    action: z.literal(action),
    data,
    timestamp: TimestampSchema,
    sender: SenderSchema.optional(),
  });
}

/** The envelope with any action and data: what a router sees before it picks the action schema. */
export const AnyFrameSchema = z.object({
  id: FrameIdSchema,
  type: FrameTypeSchema,
  action: z.string().min(1).max(64),
  data: z.unknown(),
  timestamp: TimestampSchema,
  sender: SenderSchema.optional(),
});
export type AnyFrame = z.infer<typeof AnyFrameSchema>;
