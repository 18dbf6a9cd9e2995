import { describe, expect, it } from 'vitest';
import { isSearchShortcut, searchShortcutLabel } from './search-shortcut';

const keys = { key: 'k', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false };

describe('the search shortcut', () => {
  it('is Ctrl+K or ⌘K, in either case', () => {
    expect(isSearchShortcut({ ...keys, ctrlKey: true })).toBe(true);
    expect(isSearchShortcut({ ...keys, metaKey: true, key: 'K' })).toBe(true);
  });

  it('is not K alone, nor with Shift or Alt, nor another letter', () => {
    expect(isSearchShortcut(keys)).toBe(false);
    expect(isSearchShortcut({ ...keys, ctrlKey: true, shiftKey: true })).toBe(false);
    expect(isSearchShortcut({ ...keys, ctrlKey: true, altKey: true })).toBe(false);
    expect(isSearchShortcut({ ...keys, ctrlKey: true, key: 'j' })).toBe(false);
  });

  it('is labelled for the platform', () => {
    expect(searchShortcutLabel('MacIntel')).toBe('⌘K');
    expect(searchShortcutLabel('Linux x86_64')).toBe('Ctrl K');
  });
});
