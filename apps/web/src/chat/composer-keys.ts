/**
 * What a key press in the composer means: Enter sends, Shift+Enter (or Alt/Ctrl+Enter) adds a new
 * line, and Enter while an input method is composing (Chinese, Japanese…) only confirms the
 * candidate — it must never send.
 */
export interface ComposerKey {
  key: string;
  shiftKey: boolean;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  isComposing?: boolean;
  /** Legacy IME signal (Safari reports keyCode 229 while composing). */
  keyCode?: number;
}

export type ComposerAction = 'send' | 'newline' | null;

export function composerKeyAction(event: ComposerKey): ComposerAction {
  if (event.key !== 'Enter') return null;
  if (event.isComposing || event.keyCode === 229) return null;
  if (event.shiftKey || event.altKey || event.ctrlKey) return 'newline';
  return 'send';
}
