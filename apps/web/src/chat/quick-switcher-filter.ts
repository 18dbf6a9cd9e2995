/**
 * The quick switcher's matching: a conversation matches when every word of the query starts a word
 * of its title or of a member's name (case- and accent-insensitive; CJK text matches anywhere,
 * since it has no spaces). Title matches rank before member-name matches, then the list's own
 * order (most recent first) decides. An empty query lists everything in the list's order.
 */
import type { Conversation } from '@herald/protocol';
import { conversationTitle } from './conversation-info';

export interface SwitcherItem {
  conversation: Conversation;
  title: string;
  /** Other members' names, for the second line. */
  members: string;
}

/** Lower case, accents stripped. */
function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** Whether `word` starts a word of `text` (or, for CJK, occurs in it). */
function wordMatch(text: string, word: string): boolean {
  if (CJK.test(word)) return text.includes(word);
  return text.split(/[\s,.\-_@()]+/).some((part) => part.startsWith(word));
}

function matches(text: string, words: readonly string[]): boolean {
  return words.every((word) => wordMatch(text, word));
}

/** The conversations matching `query`, best first, at most `limit`. */
export function filterConversations(conversations: readonly Conversation[], myId: string, query: string, limit = 50): SwitcherItem[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const byTitle: SwitcherItem[] = [];
  const byMember: SwitcherItem[] = [];
  for (const conversation of conversations) {
    const title = conversationTitle(conversation, myId);
    const others = conversation.members.filter((member) => member.userId !== myId).map((member) => member.name);
    const item = { conversation, title, members: others.join(', ') };
    if (matches(fold(title), words)) byTitle.push(item);
    else if (matches(fold(others.join(' ')), words)) byMember.push(item);
  }
  return [...byTitle, ...byMember].slice(0, limit);
}
