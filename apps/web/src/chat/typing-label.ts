/** The typing line under a conversation: "Alice is typing…", two names, or "several people". */
import type { Translate } from '../i18n/translate';

export function typingLabel(names: readonly string[], t: Translate): string | null {
  if (names.length === 0) return null;
  if (names.length === 1) return t('chat.typing.one', { name: names[0] ?? '' });
  if (names.length === 2) return t('chat.typing.two', { a: names[0] ?? '', b: names[1] ?? '' });
  return t('chat.typing.many');
}
