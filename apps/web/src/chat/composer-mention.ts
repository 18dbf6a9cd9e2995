/**
 * The composer's @mention autocomplete, as pure functions: the `@query` being typed at the caret
 * (after the start or whitespace, no newline in it, at most MAX_QUERY characters — names may have
 * spaces, so a space does not end it), and the text after choosing a name: `@Name ` replacing the
 * query, with the caret after it.
 */

/** The longest query the menu follows (past it, the @ was not a mention). */
export const MAX_QUERY = 32;

export interface MentionQuery {
  /** Index of the `@`. */
  start: number;
  /** What follows the `@` up to the caret. */
  query: string;
}

/** The mention being typed at `caret`, or null. */
export function mentionQueryAt(text: string, caret: number): MentionQuery | null {
  const from = Math.max(0, caret - MAX_QUERY - 1);
  for (let i = caret - 1; i >= from; i--) {
    const c = text[i];
    if (c === '\n') return null;
    if (c === '@') {
      const before = text[i - 1];
      if (before !== undefined && !/\s/.test(before)) return null;
      const query = text.slice(i + 1, caret);
      // "@ " is not a mention; neither is a query that already ends a sentence.
      if (/^\s/.test(query) || /\s\s/.test(query)) return null;
      return { start: i, query };
    }
  }
  return null;
}

/** The text with `@name ` in place of the query, and where the caret goes. */
export function insertMention(text: string, caret: number, mention: MentionQuery, name: string): { text: string; caret: number } {
  const inserted = `@${name} `;
  const after = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, mention.start) + inserted + after, caret: mention.start + inserted.length };
}
