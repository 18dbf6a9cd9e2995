import { MESSAGE_TEXT_MAX } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { composerLimit } from './composer-limit';

describe('composerLimit', () => {
  it('uses the protocol limit and shows the counter from 90% of it', () => {
    expect(composerLimit('hello')).toEqual({ length: 5, max: MESSAGE_TEXT_MAX, showCounter: false, over: false, excess: 0 });
    expect(composerLimit('x'.repeat(14_399)).showCounter).toBe(false);
    expect(composerLimit('x'.repeat(14_400)).showCounter).toBe(true);
    expect(composerLimit('x'.repeat(16_000))).toMatchObject({ showCounter: true, over: false, excess: 0 });
  });

  it('refuses past the limit and says by how much', () => {
    expect(composerLimit('x'.repeat(16_500))).toMatchObject({ length: 16_500, over: true, excess: 500 });
  });

  it('counts the trimmed text in UTF-16 units, as the server does', () => {
    expect(composerLimit(`   ${'x'.repeat(10)}   \n`, 10)).toMatchObject({ length: 10, over: false });
    // An emoji outside the BMP is two code units.
    expect(composerLimit('😀'.repeat(6), 10)).toMatchObject({ length: 12, over: true, excess: 2 });
  });
});
