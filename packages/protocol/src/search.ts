/**
 * Full-text search over the messages of the conversations the searcher belongs to (never others),
 * newest first, with keyset paging and highlighted snippets.
 * Invariant: a hit is a message the searcher may read now, in its current state (edited text;
 * deleted messages are never found); highlights are character ranges into `snippet.text`, so a client
 * renders them without parsing markup.
 */
import { z } from 'zod';
import { frameSchema } from './envelope.js';
import { IdSchema, MessageSchema, TimestampSchema } from './models.js';
import { safeText } from './text.js';

/** The longest query, in characters. */
export const SEARCH_QUERY_MAX = 200;
/** The largest page of hits. */
export const SEARCH_PAGE_MAX = 50;

export const SearchRequestSchema = z.object({
  /** Words to find; every word must occur (any script: Chinese needs no spaces). At least 2 characters. */
  query: safeText()
    .max(SEARCH_QUERY_MAX)
    .refine((q) => [...q.trim()].length >= 2, { message: 'a search needs at least 2 characters' }),
  /** Only this conversation (you must be a member). */
  conversationId: IdSchema.optional(),
  /** Only messages by this user. */
  senderId: IdSchema.optional(),
  /** Only messages sent at or after this time (ms epoch). */
  from: TimestampSchema.optional(),
  /** Only messages sent before this time (ms epoch). */
  to: TimestampSchema.optional(),
  /** `nextCursor` of the previous page. */
  cursor: safeText().max(200).optional(),
  limit: z.number().int().min(1).max(SEARCH_PAGE_MAX).default(20),
});
export type SearchRequest = z.infer<typeof SearchRequestSchema>;

/** Search messages; acked with a SearchResult. */
export const SearchFrameSchema = frameSchema('search', z.literal('control'), SearchRequestSchema);

/** A stretch of a message's text around the matches, with the matched ranges ([start, end) in UTF-16 units). */
export const SnippetSchema = z.object({
  text: z.string(),
  highlights: z.array(z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })),
});
export type Snippet = z.infer<typeof SnippetSchema>;

export const SearchHitSchema = z.object({
  message: MessageSchema,
  /** The conversation's title as the searcher sees it is in their list; its kind helps show it. */
  conversationId: IdSchema,
  snippet: SnippetSchema,
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResultSchema = z.object({
  hits: z.array(SearchHitSchema),
  /** Pass as `cursor` for the next (older) page; null when there is none. */
  nextCursor: z.string().nullable(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;
