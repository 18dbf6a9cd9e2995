/**
 * useMentionSuggestions: whom to offer after `@` in a composer (mentionSuggestions of
 * `@herald/client/state`), recomputed only when the members, the query or the options change.
 * `query` null (no `@` being typed) offers nothing.
 */
import { type MentionMember, type MentionOptions, type MentionSuggestion, mentionSuggestions } from '@herald/client/state';
import { useMemo } from 'react';

export function useMentionSuggestions(
  members: readonly MentionMember[],
  query: string | null,
  options: MentionOptions = {},
): MentionSuggestion[] {
  const { limit, groupMentions, exclude } = options;
  return useMemo(
    () => (query === null ? [] : mentionSuggestions(members, query, { limit, groupMentions, exclude })),
    [members, query, limit, groupMentions, exclude],
  );
}
