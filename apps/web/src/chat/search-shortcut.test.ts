import { describe, expect, it } from 'vitest';
import { isQuickSwitcherShortcut } from './quick-switcher-shortcut';
import { isSearchShortcut, searchShortcutLabel } from './search-shortcut';

const keys = { key: 'F', ctrlKey: false, metaKey: false, altKey: false, shiftKey: true };

describe('the search shortcut', () => {
  it('is Ctrl+Shift+F or ⇧⌘F, in either case', () => {
    expect(isSearchShortcut({ ...keys, ctrlKey: true })).toBe(true);
    expect(isSearchShortcut({ ...keys, metaKey: true, key: 'f' })).toBe(true);
  });

  it('is not Shift+F alone, nor the browser Find (no Shift), nor with Alt, nor another letter', () => {
    expect(isSearchShortcut(keys)).toBe(false);
    expect(isSearchShortcut({ ...keys, ctrlKey: true, shiftKey: false, key: 'f' })).toBe(false);
    expect(isSearchShortcut({ ...keys, ctrlKey: true, altKey: true })).toBe(false);
    expect(isSearchShortcut({ ...keys, ctrlKey: true, key: 'G' })).toBe(false);
  });

  it('is not Ctrl/⌘K, which belongs to the quick switcher', () => {
    const ctrlK = { key: 'k', ctrlKey: true, metaKey: false, altKey: false, shiftKey: false };
    expect(isSearchShortcut(ctrlK)).toBe(false);
    expect(isQuickSwitcherShortcut(ctrlK)).toBe(true);
  });

  it('is labelled for the platform', () => {
    expect(searchShortcutLabel('MacIntel')).toBe('⇧⌘F');
    expect(searchShortcutLabel('Linux x86_64')).toBe('Ctrl Shift F');
  });
});
