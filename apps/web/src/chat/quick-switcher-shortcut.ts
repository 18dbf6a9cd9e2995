/**
 * The quick switcher's shortcut: Ctrl+K, or ⌘K on Apple keyboards (either works everywhere), with
 * no other modifier, as in Slack and Discord. Message search has Ctrl/⌘+Shift+F (search-shortcut.ts).
 */
import type { ShortcutKeys } from './search-shortcut';

/** True for Ctrl+K / ⌘K. */
export function isQuickSwitcherShortcut(event: ShortcutKeys): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}

/** "⌘K" on Apple platforms, else "Ctrl K". */
export function quickSwitcherShortcutLabel(platform: string = typeof navigator === 'undefined' ? '' : navigator.platform): string {
  return /mac|iphone|ipad/i.test(platform) ? '⌘K' : 'Ctrl K';
}
