/**
 * SearchRepository: finds the messages whose current text contains every query word, among the
 * conversations the searcher is a member of at the time of the query, newest first, a page at a
 * time. One implementation per dialect (sqlite-search-repository.ts, postgres-search-repository.ts),
 * each on its own trigram index (migration 0009); `searchRepositoryFor` picks one.
 * Invariants: never a deleted message, never one of a conversation the searcher is not in now;
 * pages continue exactly where the last one ended (no repeats, no gaps); a page may be short, or
 * empty, with a `next` position still to follow, when only short words were asked for (a bounded
 * scan, see `SHORT_QUERY_WINDOW`).
 */
import type { Message } from '@herald/protocol';

/**
 * Most messages (of the searcher's, newest first) one page examines when every query word is
 * shorter than 3 characters, which no trigram index can look up.
 */
export const SHORT_QUERY_WINDOW = 5_000;

export interface SearchCriteria {
  /** The searcher: only conversations they are a member of now. */
  userId: string;
  /** Every word must occur, case-insensitively (search-words.ts). At least one. */
  words: readonly string[];
  conversationId?: string | undefined;
  senderId?: string | undefined;
  /** created_at >= from (ms epoch). */
  from?: number | undefined;
  /** created_at < to (ms epoch). */
  to?: number | undefined;
  /** Continue after this position (a previous page's `next`); throws `bad_request` for one this dialect never made. */
  after?: string | undefined;
  limit: number;
}

export interface SearchPage {
  /** Newest first. */
  messages: Message[];
  /** Where the next (older) page starts; null when there is nothing older to look at. */
  next: string | null;
}

export interface SearchRepository {
  search(criteria: SearchCriteria): Promise<SearchPage>;
  /** Begin the index's background upkeep, if this dialect has any (SQLite: indexing new messages in batches). */
  start?(): void;
  /** Stop that upkeep (graceful shutdown). */
  close?(): Promise<void>;
}
