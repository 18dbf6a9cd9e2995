/**
 * The message search shortcut: Ctrl+Shift+F, or ⇧⌘F on Apple keyboards (either works everywhere),
 * with no Alt; its label follows the platform. Ctrl/⌘K is the quick switcher's (quick-switcher-shortcut.ts),
 * as in Slack and Discord; Shift keeps the browser's own Find (Ctrl/⌘F) untouched.
 */

/** The parts of a keyboard event the shortcut looks at. */
export type ShortcutKeys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/** True for Ctrl+Shift+F / ⇧⌘F. */
export function isSearchShortcut(event: ShortcutKeys): boolean {
  return (event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey && event.key.toLowerCase() === 'f';
}

/** The `aria-keyshortcuts` value of whatever opens search. */
export const SEARCH_KEYSHORTCUTS = 'Control+Shift+F Meta+Shift+F';

/** "⇧⌘F" on Apple platforms, else "Ctrl Shift F". */
export function searchShortcutLabel(platform: string = typeof navigator === 'undefined' ? '' : navigator.platform): string {
  return /mac|iphone|ipad/i.test(platform) ? '⇧⌘F' : 'Ctrl Shift F';
}
