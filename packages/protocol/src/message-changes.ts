/**
 * Changes to a posted message — edit, delete, react — as client requests, their acks, and the
 * server events every member receives.
 * Invariant: every change that happens takes the conversation's next `seq`, exactly like a new
 * message, so `subscribe since`, gap filling and ordering cover changes as they cover messages. A
 * change event carries the new state of what it changed, never a diff the client must guess at.
 * The request frame's `id` is its idempotency key: a resent request answers like the first one
 * (`duplicate: true`) and changes nothing.
 */
import { z } from 'zod';
import { frameSchema } from './envelope.js';
import { IdSchema, MESSAGE_TEXT_MAX, MentionsSchema, ReactionSchema, TimestampSchema } from './models.js';
import { safeText } from './text.js';

const control = z.literal('control');

// Built with `new RegExp` so the `v` flag (Unicode sets: RGI_Emoji is a property of strings) does not depend on the compile target.
const UNICODE_SETS: string = 'v';
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', UNICODE_SETS);

/** True for exactly one Unicode emoji (RGI: skin tones, flags, ZWJ families and keycaps included). */
export function isReactionEmoji(value: string): boolean {
  return RGI_EMOJI.test(value);
}

/** One Unicode emoji, e.g. "👍" or "👍🏽"; text, shortcodes and several emoji are refused. */
export const ReactionEmojiSchema = safeText().min(1).max(32).refine(isReactionEmoji, { message: 'must be exactly one Unicode emoji' });

/** Replace the text of your own text message (mentions are resolved again). */
export const EditMessageFrameSchema = frameSchema(
  'edit_message',
  control,
  z.object({
    conversationId: IdSchema,
    messageId: IdSchema,
    text: safeText()
      .max(MESSAGE_TEXT_MAX)
      .refine((text) => text.trim() !== '', { message: 'an edit needs non-empty text' }),
  }),
);

/** Delete a message: its author, the group's owner, or an admin. Leaves a tombstone. */
export const DeleteMessageFrameSchema = frameSchema('delete_message', control, z.object({ conversationId: IdSchema, messageId: IdSchema }));

/** Add (`remove` absent or false) or remove one of your reactions on a message. */
export const ReactFrameSchema = frameSchema(
  'react',
  control,
  z.object({ conversationId: IdSchema, messageId: IdSchema, emoji: ReactionEmojiSchema, remove: z.boolean().default(false) }),
);

/** What every change request's ack carries. */
const ChangeResultBase = {
  conversationId: IdSchema,
  messageId: IdSchema,
  /** The seq the change took; null when it changed nothing (reacting with an emoji you already put there). */
  seq: z.number().int().positive().nullable(),
  /** True when this request id was seen before: the first answer, nothing changed now. */
  duplicate: z.boolean(),
};

export const EditMessageResultSchema = z.object({ ...ChangeResultBase, editedAt: TimestampSchema });
export const DeleteMessageResultSchema = z.object({ ...ChangeResultBase, deletedAt: TimestampSchema });
export const ReactResultSchema = z.object({ ...ChangeResultBase });
export type EditMessageResult = z.infer<typeof EditMessageResultSchema>;
export type DeleteMessageResult = z.infer<typeof DeleteMessageResultSchema>;
export type ReactResult = z.infer<typeof ReactResultSchema>;

/** Fields every change event carries: where it happened, its seq, and who did it. */
const ChangeEventBase = {
  conversationId: IdSchema,
  /** This change's own seq in the conversation's stream. */
  seq: z.number().int().positive(),
  messageId: IdSchema,
  /** Who made the change. */
  userId: IdSchema,
  at: TimestampSchema,
};

/** A message's text was edited: its new text and mentions. Apply only if `seq` is above the copy's `revision`. */
export const MessageUpdatedDataSchema = z.object({ ...ChangeEventBase, text: z.string(), ...MentionsSchema.shape });
export const MessageUpdatedFrameSchema = frameSchema('message_updated', z.literal('event'), MessageUpdatedDataSchema);

/** A message was deleted: clear its text, attachment and reactions and show a tombstone. */
export const MessageDeletedDataSchema = z.object({ ...ChangeEventBase });
export const MessageDeletedFrameSchema = frameSchema('message_deleted', z.literal('event'), MessageDeletedDataSchema);

/**
 * `userId` added (`added: true`) or removed an emoji: `reaction` is that emoji's state after the
 * change (count 0 when the last one went; `mine` is false, the receiver sets it when `userId` is theirs).
 */
export const ReactionUpdatedDataSchema = z.object({
  ...ChangeEventBase,
  emoji: z.string(),
  added: z.boolean(),
  reaction: ReactionSchema.extend({ count: z.number().int().nonnegative() }),
});
export const ReactionUpdatedFrameSchema = frameSchema('reaction_updated', z.literal('event'), ReactionUpdatedDataSchema);

export type MessageUpdatedData = z.infer<typeof MessageUpdatedDataSchema>;
export type MessageDeletedData = z.infer<typeof MessageDeletedDataSchema>;
export type ReactionUpdatedData = z.infer<typeof ReactionUpdatedDataSchema>;

/**
 * A change event as a `history` page (read with `after`) carries it: the frame's `action` and `data`.
 * A page read with `after` covers a contiguous stretch of seqs; its messages and changes together
 * are every seq in it.
 */
export const ConversationChangeSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('message_updated'), data: MessageUpdatedDataSchema }),
  z.object({ action: z.literal('message_deleted'), data: MessageDeletedDataSchema }),
  z.object({ action: z.literal('reaction_updated'), data: ReactionUpdatedDataSchema }),
]);
export type ConversationChange = z.infer<typeof ConversationChangeSchema>;
