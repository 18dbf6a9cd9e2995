import { describe, expect, it } from 'vitest';
import { centreSquare, isAvatarType } from './avatar-image';
import { displayNameProblem } from './profile-validation';

describe('displayNameProblem', () => {
  it('accepts names of 1 to 80 characters in any script, trimmed', () => {
    expect(displayNameProblem('Ann')).toBeNull();
    expect(displayNameProblem('  张伟  ')).toBeNull();
    expect(displayNameProblem('x'.repeat(80))).toBeNull();
  });
  it('names what is wrong', () => {
    expect(displayNameProblem('')).toBe('profile.nameRequired');
    expect(displayNameProblem('   ')).toBe('profile.nameRequired');
    expect(displayNameProblem('x'.repeat(81))).toBe('profile.nameTooLong');
    expect(displayNameProblem('two\nlines')).toBe('profile.nameInvalid');
    expect(displayNameProblem('tab\there')).toBe('profile.nameInvalid');
    expect(displayNameProblem('nul\u0000')).toBe('profile.nameInvalid');
  });
});

describe('avatar images', () => {
  it('cuts the centred square of a picture', () => {
    expect(centreSquare(400, 200)).toEqual({ x: 100, y: 0, side: 200 });
    expect(centreSquare(300, 301)).toEqual({ x: 0, y: 0, side: 300 });
    expect(centreSquare(256, 256)).toEqual({ x: 0, y: 0, side: 256 });
  });
  it('takes PNG, JPEG, WebP and GIF only', () => {
    for (const type of ['image/png', 'image/jpeg', 'image/webp', 'image/gif']) expect(isAvatarType({ type })).toBe(true);
    for (const type of ['image/svg+xml', 'application/pdf', '']) expect(isAvatarType({ type })).toBe(false);
  });
});
