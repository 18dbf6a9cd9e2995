/**
 * buildSnippet: the stretch of a message shown in a search hit, around its first match(es), with
 * every occurrence of each query word in it marked. Pure: no database, no clock.
 * Invariants: highlights are [start, end) ranges in UTF-16 units of `snippet.text`, sorted, never
 * overlapping, and never split a surrogate pair (nor does the cut); words match case-insensitively
 * (Unicode simple case folding, as JavaScript's `iu` regular expressions do); a cut end carries
 * an ellipsis (…), counted in the ranges' offsets.
 */
import type { Snippet } from '@herald/protocol';

/** The longest snippet, in UTF-16 units, before ellipses. */
export const SNIPPET_LENGTH = 160;
/** Units of context kept before the first match when the text is cut. */
export const SNIPPET_LEAD = 40;

const ELLIPSIS = '…';

interface Range {
  start: number;
  end: number;
}

/** The snippet of `text` for `words`; the text's start, unmarked, when no word occurs in it. */
export function buildSnippet(text: string, words: readonly string[], length = SNIPPET_LENGTH, lead = SNIPPET_LEAD): Snippet {
  const matches = findMatches(text, words);
  const first = matches[0];
  let start = 0;
  if (first && text.length > length) start = Math.max(0, Math.min(first.start - lead, text.length - length));
  start = codePointStart(text, start);
  const end = codePointStart(text, Math.min(text.length, start + length));
  const prefix = start > 0 ? ELLIPSIS : '';
  const suffix = end < text.length ? ELLIPSIS : '';
  const highlights: Range[] = [];
  for (const match of matches) {
    const from = Math.max(match.start, start);
    const to = Math.min(match.end, end);
    if (from < to) highlights.push({ start: from - start + prefix.length, end: to - start + prefix.length });
  }
  return { text: prefix + text.slice(start, end) + suffix, highlights };
}

/** Every occurrence of every word in `text`, merged where they overlap or touch, in order. */
function findMatches(text: string, words: readonly string[]): Range[] {
  const ranges: Range[] = [];
  for (const word of words) {
    if (word === '') continue;
    for (const match of text.matchAll(new RegExp(escapeRegExp(word), 'giu'))) {
      ranges.push({ start: match.index, end: match.index + match[0].length });
    }
  }
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Range[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}

/** `index`, moved back one unit when it would fall between the two halves of a surrogate pair. */
function codePointStart(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return index;
  const unit = text.charCodeAt(index);
  const before = text.charCodeAt(index - 1);
  const splitsPair = unit >= 0xdc00 && unit <= 0xdfff && before >= 0xd800 && before <= 0xdbff;
  return splitsPair ? index - 1 : index;
}

function escapeRegExp(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
