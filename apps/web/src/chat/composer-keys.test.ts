import { describe, expect, it } from 'vitest';
import { composerKeyAction } from './composer-keys';

describe('composerKeyAction', () => {
  it('sends on Enter and adds a line on Shift+Enter', () => {
    expect(composerKeyAction({ key: 'Enter', shiftKey: false })).toBe('send');
    expect(composerKeyAction({ key: 'Enter', shiftKey: true })).toBe('newline');
    expect(composerKeyAction({ key: 'Enter', shiftKey: false, altKey: true })).toBe('newline');
  });

  it('never sends while an input method is composing', () => {
    expect(composerKeyAction({ key: 'Enter', shiftKey: false, isComposing: true })).toBeNull();
    expect(composerKeyAction({ key: 'Enter', shiftKey: false, keyCode: 229 })).toBeNull();
  });

  it('ignores other keys', () => {
    expect(composerKeyAction({ key: 'a', shiftKey: false })).toBeNull();
  });
});
