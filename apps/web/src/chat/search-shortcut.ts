/**
 * The search shortcut: Ctrl+K, or ⌘K on Apple keyboards (either works everywhere), with no other
 * modifier; its label follows the platform.
 */

/** The parts of a keyboard event the shortcut looks at. */
export type ShortcutKeys = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/** True for Ctrl+K / ⌘K. */
export function isSearchShortcut(event: ShortcutKeys): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}

/** "⌘K" on Apple platforms, else "Ctrl K". */
export function searchShortcutLabel(platform: string = typeof navigator === 'undefined' ? '' : navigator.platform): string {
  return /mac|iphone|ipad/i.test(platform) ? '⌘K' : 'Ctrl K';
}
