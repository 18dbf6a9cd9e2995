import { describe, expect, it } from 'vitest';
import { isQuickSwitcherShortcut, quickSwitcherShortcutLabel } from './quick-switcher-shortcut';

const keys = { key: 'k', ctrlKey: false, metaKey: false, altKey: false, shiftKey: false };

describe('the quick switcher shortcut', () => {
  it('is Ctrl+K or ⌘K, in either case', () => {
    expect(isQuickSwitcherShortcut({ ...keys, ctrlKey: true })).toBe(true);
    expect(isQuickSwitcherShortcut({ ...keys, metaKey: true, key: 'K' })).toBe(true);
  });

  it('is not K alone, nor with Shift or Alt, nor Ctrl+P (the browser keeps Print)', () => {
    expect(isQuickSwitcherShortcut(keys)).toBe(false);
    expect(isQuickSwitcherShortcut({ ...keys, ctrlKey: true, shiftKey: true })).toBe(false);
    expect(isQuickSwitcherShortcut({ ...keys, ctrlKey: true, altKey: true })).toBe(false);
    expect(isQuickSwitcherShortcut({ ...keys, ctrlKey: true, key: 'p' })).toBe(false);
  });

  it('is labelled for the platform', () => {
    expect(quickSwitcherShortcutLabel('MacIntel')).toBe('⌘K');
    expect(quickSwitcherShortcutLabel('Linux x86_64')).toBe('Ctrl K');
  });
});
