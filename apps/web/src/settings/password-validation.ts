/**
 * Client-side checks of the change-password form, as message keys per field, so the user sees what
 * to fix before a round trip. The limits are the server's (`PasswordSchema`: 8 to 200 characters).
 */
import type { MessageKey } from '../i18n/en';

export interface PasswordFields {
  current: string;
  next: string;
  confirm: string;
}

export type PasswordErrors = Partial<Record<keyof PasswordFields, MessageKey>>;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;

export function validatePasswordChange(fields: PasswordFields): PasswordErrors {
  const errors: PasswordErrors = {};
  if (!fields.current) errors.current = 'settings.password.currentRequired';
  if (fields.next.length < PASSWORD_MIN) errors.next = 'settings.password.tooShort';
  else if (fields.next.length > PASSWORD_MAX) errors.next = 'settings.password.tooLong';
  if (!errors.next && fields.confirm !== fields.next) errors.confirm = 'settings.password.mismatch';
  return errors;
}
