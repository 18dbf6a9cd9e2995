import { describe, expect, it } from 'vitest';
import { validatePasswordChange } from './password-validation';

describe('validatePasswordChange', () => {
  it('asks for the current password and a long enough new one', () => {
    expect(validatePasswordChange({ current: '', next: 'short', confirm: 'short' })).toEqual({
      current: 'settings.password.currentRequired',
      next: 'settings.password.tooShort',
    });
    expect(validatePasswordChange({ current: 'x', next: 'y'.repeat(201), confirm: 'y'.repeat(201) })).toEqual({
      next: 'settings.password.tooLong',
    });
  });

  it('wants the confirmation to match, and accepts a good change', () => {
    expect(validatePasswordChange({ current: 'old one', next: 'new password', confirm: 'new passw0rd' })).toEqual({
      confirm: 'settings.password.mismatch',
    });
    expect(validatePasswordChange({ current: 'old one', next: 'new password', confirm: 'new password' })).toEqual({});
  });
});
