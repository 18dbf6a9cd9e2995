/**
 * Profiles and group ownership on the wire: the caller's own profile change (`PATCH /users/me`), a
 * group's ownership transfer (`PUT /conversations/:id/owner`) and the `user_changed` frame that
 * tells everyone who shares a conversation with a user that their name or avatar changed.
 * Invariants: a display name is `safeText()`, trimmed, 1–80 characters (as at registration) and
 * holds no control character (C0, DEL, C1) nor a line or paragraph separator, so it always renders
 * on one line; an avatar is the id of an image the caller uploaded (`POST /files/upload`) of one of
 * AVATAR_MIME_TYPES and at most AVATAR_MAX_BYTES, or null to clear it.
 */
import { z } from 'zod';
import { frameSchema } from './envelope.js';
import { IdSchema, UserSummarySchema } from './models.js';
import { safeText } from './text.js';

/** The longest display name (the same as `RegisterBody.name`). */
export const DISPLAY_NAME_MAX = 80;
/** The largest file accepted as an avatar (clients resize to 256×256 first, which is far smaller). */
export const AVATAR_MAX_BYTES = 1024 * 1024;
/** Image types accepted as an avatar (as the server sniffed them from the file's bytes). */
export const AVATAR_MIME_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A display name: trimmed, 1–80 characters, on one line. */
export const DisplayNameSchema = safeText()
  .trim()
  .min(1)
  .max(DISPLAY_NAME_MAX)
  .refine((name) => !CONTROL.test(name), 'must not contain control characters or line breaks');

/** `PATCH /users/me`: the fields to change (at least one); `avatar: null` clears the avatar. */
export const UpdateProfileBodySchema = z
  .object({ name: DisplayNameSchema.optional(), avatar: IdSchema.nullable().optional() })
  .strict()
  .refine((body) => body.name !== undefined || body.avatar !== undefined, 'give `name`, `avatar` or both');
export type UpdateProfileBody = z.infer<typeof UpdateProfileBodySchema>;

/** `PUT /conversations/:id/owner`: the member who becomes the group's owner. */
export const TransferOwnershipBodySchema = z.object({ userId: IdSchema });
export type TransferOwnershipBody = z.infer<typeof TransferOwnershipBodySchema>;

/**
 * A user's name or avatar changed: their profile as it is now. Sent to every session of the user
 * and of everyone who shares a conversation with them, so lists, headers and member panels update.
 */
export const UserChangedFrameSchema = frameSchema('user_changed', z.literal('system'), z.object({ user: UserSummarySchema }));
