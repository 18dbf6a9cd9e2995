import { describe, expect, it } from 'vitest';
import { serverErrorKey, validateLogin } from './login-validation';

describe('validateLogin', () => {
  it('asks for each missing field', () => {
    expect(validateLogin('signUp', { email: '', password: '', name: ' ' })).toEqual({
      email: 'login.errors.emailRequired',
      password: 'login.errors.passwordRequired',
      name: 'login.errors.nameRequired',
    });
  });

  it('checks the email shape, and the password length only when signing up', () => {
    expect(validateLogin('signIn', { email: 'nope', password: 'x', name: '' })).toEqual({ email: 'login.errors.emailInvalid' });
    expect(validateLogin('signUp', { email: 'a@b.co', password: 'short', name: 'A' })).toEqual({ password: 'login.errors.passwordShort' });
    expect(validateLogin('signUp', { email: 'a@b.co', password: 'long enough', name: 'A' })).toEqual({});
  });

  it('maps server codes to messages', () => {
    expect(serverErrorKey('invalid_credentials')).toBe('login.errors.invalidCredentials');
    expect(serverErrorKey('account_disabled')).toBe('login.errors.accountDisabled');
    expect(serverErrorKey('email_taken')).toBe('login.errors.emailTaken');
    expect(serverErrorKey('network')).toBe('login.errors.network');
    expect(serverErrorKey('internal')).toBe('login.errors.unknown');
  });
});
