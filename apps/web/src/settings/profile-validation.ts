/**
 * Checks of a display name before it is sent, by the same rule as the server's DisplayNameSchema
 * (trimmed, 1–80 characters, no control characters or line breaks), so a refusal is shown on the
 * field at once; the server checks again.
 */
import { DisplayNameSchema } from '@herald/protocol';
import type { MessageKey } from '../i18n/en';

/** Why `name` cannot be a display name, or null when it can. */
export function displayNameProblem(name: string): MessageKey | null {
  const trimmed = name.trim();
  if (trimmed === '') return 'profile.nameRequired';
  const result = DisplayNameSchema.safeParse(name);
  if (result.success) return null;
  return result.error.issues.some((issue) => issue.code === 'too_big') ? 'profile.nameTooLong' : 'profile.nameInvalid';
}
