/**
 * The reaction picker's emoji: a row of frequent ones and a grid of common ones, every one a single
 * RGI emoji (`isReactionEmoji`, the server's own check), so a pick is never refused as text.
 */
import { isReactionEmoji } from '@herald/protocol';

const FREQUENT_CANDIDATES = ['👍', '❤️', '😂', '😮', '😢', '🎉'];

const COMMON_CANDIDATES = [
  '😀',
  '😁',
  '😅',
  '🤣',
  '😊',
  '😇',
  '🙂',
  '😉',
  '😍',
  '🥰',
  '😘',
  '😋',
  '😎',
  '🤔',
  '🤨',
  '😐',
  '🙄',
  '😏',
  '😴',
  '😷',
  '🤯',
  '🥳',
  '😭',
  '😡',
  '👋',
  '👏',
  '🙌',
  '🙏',
  '💪',
  '👀',
  '👎',
  '👌',
  '✌️',
  '🤝',
  '✅',
  '❌',
  '🔥',
  '💯',
  '✨',
  '⭐',
  '💡',
  '🚀',
  '🎯',
  '☕',
  '🍕',
  '🍻',
  '💔',
  '🤷',
];

/** Six frequent reactions, shown first. */
export const FREQUENT_EMOJI: readonly string[] = FREQUENT_CANDIDATES.filter(isReactionEmoji);
/** The grid under them (frequent ones not repeated). */
export const COMMON_EMOJI: readonly string[] = COMMON_CANDIDATES.filter((e) => isReactionEmoji(e) && !FREQUENT_EMOJI.includes(e));
