/**
 * The words of a search query: split on whitespace (a run of Chinese or Japanese text without
 * spaces is one word), each compared case-insensitively; every word must occur in a hit.
 * Invariants: no word is empty; repeats (ignoring case) are dropped; a word's length is counted in
 * Unicode code points, which is what the trigram indexes count (`isTrigramWord`).
 */

/** The distinct words of `query`, in their first spelling and order. */
export function searchWords(query: string): string[] {
  const seen = new Set<string>();
  const words: string[] = [];
  for (const word of query.trim().split(/\s+/u)) {
    const folded = word.toLowerCase();
    if (word === '' || seen.has(folded)) continue;
    seen.add(folded);
    words.push(word);
  }
  return words;
}

/** Code points in `word`. */
export function codePointLength(word: string): number {
  let n = 0;
  for (const _ of word) n++;
  return n;
}

/** True when a trigram index can find `word` (3 code points or more); shorter words are checked on candidates. */
export function isTrigramWord(word: string): boolean {
  return codePointLength(word) >= 3;
}
