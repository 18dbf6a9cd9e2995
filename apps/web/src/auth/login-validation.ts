/**
 * Client-side checks of the sign-in / sign-up form, as message keys per field, so the user sees
 * what to fix before a round trip; and the mapping of server error codes to messages.
 */
import type { MessageKey } from '../i18n/en';

export type LoginMode = 'signIn' | 'signUp';

export interface LoginFields {
  email: string;
  password: string;
  name: string;
}

export type FieldErrors = Partial<Record<keyof LoginFields, MessageKey>>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function validateLogin(mode: LoginMode, fields: LoginFields): FieldErrors {
  const errors: FieldErrors = {};
  const email = fields.email.trim();
  if (!email) errors.email = 'login.errors.emailRequired';
  else if (!EMAIL.test(email)) errors.email = 'login.errors.emailInvalid';
  if (!fields.password) errors.password = 'login.errors.passwordRequired';
  else if (mode === 'signUp' && fields.password.length < 8) errors.password = 'login.errors.passwordShort';
  if (mode === 'signUp' && !fields.name.trim()) errors.name = 'login.errors.nameRequired';
  return errors;
}

/** The message for a failed login/register call, by the server's error code. */
export function serverErrorKey(code: string): MessageKey {
  switch (code) {
    case 'invalid_credentials':
      return 'login.errors.invalidCredentials';
    case 'account_disabled':
      return 'login.errors.accountDisabled';
    case 'email_taken':
      return 'login.errors.emailTaken';
    case 'rate_limited':
      return 'login.errors.rateLimited';
    case 'network':
      return 'login.errors.network';
    default:
      return 'login.errors.unknown';
  }
}
