/**
 * Mentions: which members a message's text names with `@name`, and whether it says `@all` / `@here`.
 * Resolved once, when the message is sent or edited, and stored with it, so a member renamed later
 * stays mentioned and nobody has to parse text to know whom to notify.
 * Rules: `@` starts a mention only at the start of the text or after a character that is not a
 * letter or digit of a spaced script (so `a@b.com` is no mention, `请@张伟` is one); the longest member name that follows,
 * case-insensitively, wins, and it must end the text or be followed by whitespace or punctuation —
 * unless the name ends in a character of a script written without spaces (Chinese, Japanese), where
 * `@张伟你好` mentions 张伟. `@all` and `@here` count only in groups and only for those `mayMentionAll`
 * allows; otherwise they are plain text. At most MENTIONS_MAX members per message.
 */
import { type GroupMention, MENTIONS_MAX, type Mentions } from '@herald/protocol';

export interface MentionCandidate {
  userId: string;
  name: string;
}

const WORD = /[\p{L}\p{N}_]/u;
const BOUNDARY = /[\s\p{P}\p{S}]/u;
const UNSPACED_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

export function resolveMentions(
  text: string,
  members: readonly MentionCandidate[],
  options: { group: boolean; mayMentionAll: boolean },
): Mentions {
  const mentions: string[] = [];
  let groupMention: GroupMention | null = null;
  if (!text.includes('@')) return { mentions, groupMention };
  const sorted = members.filter((m) => m.name.trim() !== '').sort((a, b) => b.name.length - a.name.length);
  const lower = text.toLowerCase();
  for (let at = lower.indexOf('@'); at !== -1; at = lower.indexOf('@', at + 1)) {
    const before = at === 0 ? '' : text.slice(at - 1, at);
    if (before !== '' && WORD.test(before) && !UNSPACED_SCRIPT.test(before)) continue;
    const rest = lower.slice(at + 1);
    for (const special of ['all', 'here'] as const) {
      if (rest.startsWith(special) && endsMention(rest, special.length, special)) {
        if (options.group && options.mayMentionAll && groupMention !== 'all') groupMention = special;
      }
    }
    const member = sorted.find((m) => {
      const name = m.name.toLowerCase();
      return rest.startsWith(name) && endsMention(rest, name.length, name);
    });
    if (member && !mentions.includes(member.userId) && mentions.length < MENTIONS_MAX) mentions.push(member.userId);
  }
  return { mentions, groupMention };
}

function endsMention(rest: string, length: number, name: string): boolean {
  if (rest.length === length) return true;
  const next = String.fromCodePoint(rest.codePointAt(length) ?? 32);
  if (BOUNDARY.test(next)) return true;
  const last = [...name].at(-1) ?? '';
  return UNSPACED_SCRIPT.test(last);
}
