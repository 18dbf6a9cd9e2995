/**
 * The quick switcher's shortcut: Ctrl+P, or ⌘P on Apple keyboards (either works everywhere), with
 * no other modifier. Not Ctrl/⌘K: that one already opens message search (search-shortcut.ts).
 */
import type { ShortcutKeys } from './search-shortcut';

/** True for Ctrl+P / ⌘P. */
export function isQuickSwitcherShortcut(event: ShortcutKeys): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'p';
}

/** "⌘P" on Apple platforms, else "Ctrl P". */
export function quickSwitcherShortcutLabel(platform: string = typeof navigator === 'undefined' ? '' : navigator.platform): string {
  return /mac|iphone|ipad/i.test(platform) ? '⌘P' : 'Ctrl P';
}
