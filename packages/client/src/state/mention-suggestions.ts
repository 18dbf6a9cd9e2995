/**
 * mentionSuggestions: whom a composer offers after `@` — the conversation's members whose name
 * matches what was typed, best first, plus `@all` / `@here` in groups. The server resolves `@Name`
 * in the sent text (case-insensitive, the longest member name wins), so inserting `@` + the name
 * as shown here and a space is all a composer has to do.
 * Order: names that start with the query, then names with a word that starts with it, then names
 * that contain it; alphabetical within each. An empty query offers everyone (up to `limit`).
 */

export interface MentionMember {
  userId: string;
  name: string;
  avatar?: string | null;
}

export type MentionSuggestion =
  | { kind: 'member'; userId: string; name: string; avatar: string | null }
  | { kind: 'all' | 'here'; userId: null; name: 'all' | 'here'; avatar: null };

export interface MentionOptions {
  /** Most suggestions (default 8). */
  limit?: number;
  /** Offer `@all` and `@here` (a group, and the user may use them). */
  groupMentions?: boolean;
  /** Leave this user out (yourself). */
  exclude?: string | null;
}

export function mentionSuggestions(members: readonly MentionMember[], query: string, options: MentionOptions = {}): MentionSuggestion[] {
  const limit = options.limit ?? 8;
  const q = query.trim().toLocaleLowerCase();
  const ranked: { rank: number; suggestion: MentionSuggestion }[] = [];
  for (const member of members) {
    if (member.userId === options.exclude || member.name.trim() === '') continue;
    const rank = rankOf(member.name.toLocaleLowerCase(), q);
    if (rank === undefined) continue;
    ranked.push({ rank, suggestion: { kind: 'member', userId: member.userId, name: member.name, avatar: member.avatar ?? null } });
  }
  if (options.groupMentions) {
    for (const name of ['all', 'here'] as const) {
      const rank = rankOf(name, q);
      if (rank !== undefined) ranked.push({ rank: rank + 0.5, suggestion: { kind: name, userId: null, name, avatar: null } });
    }
  }
  ranked.sort((a, b) => a.rank - b.rank || a.suggestion.name.localeCompare(b.suggestion.name));
  return ranked.slice(0, limit).map((r) => r.suggestion);
}

function rankOf(name: string, query: string): number | undefined {
  if (query === '' || name.startsWith(query)) return 0;
  if (name.split(/[\s._-]+/).some((word) => word.startsWith(query))) return 1;
  if (name.includes(query)) return 2;
  return undefined;
}
