/**
 * SearchService: one search request, from the socket's `search` or `GET /api/v1/search`, the same
 * way: the searcher's rate limit, their membership of a `conversationId` filter (`forbidden` as
 * every other conversation read), the repository's page, a snippet per hit, an opaque cursor.
 * Invariants: hits come only from conversations the searcher is a member of now (the repository
 * reads membership in the query itself; the filter check only gives a non-member a clear
 * `forbidden` instead of an empty page); a bad cursor is `bad_request` naming `cursor`.
 */
import type { SearchRequest, SearchResult } from '@herald/protocol';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { CounterStore } from '../limits/counter-store.js';
import { rateLimited } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';
import { decodeSearchCursor, encodeSearchCursor } from './search-cursor.js';
import type { SearchRepository } from './search-repository.js';
import { searchWords } from './search-words.js';
import { buildSnippet } from './snippet.js';

export interface SearchLimits {
  /** Searches one user may run per window, across all nodes when the counters are in Redis. */
  perMinute: number;
  /** The window (one minute; shorter only in tests). */
  windowMs?: number | undefined;
}

export interface SearchServiceDeps {
  repository: SearchRepository;
  conversations: Pick<ConversationService, 'assertMember'>;
  counters: CounterStore;
  metrics: Pick<Metrics, 'limitRejections'>;
  limits: SearchLimits;
}

/** The input both faces share (the REST query is the socket request with numbers from strings). */
export type SearchInput = Omit<SearchRequest, 'limit'> & { limit: number };

export class SearchService {
  constructor(private readonly deps: SearchServiceDeps) {}

  async search(userId: string, request: SearchInput): Promise<SearchResult> {
    const { repository, conversations, counters, metrics, limits } = this.deps;
    const counted = await counters.hit(`search_user:${userId}`, limits.windowMs ?? 60_000);
    if (counted.count > limits.perMinute) {
      throw rateLimited('search_user', counted.resetInMs, 'too many searches; try again shortly', metrics);
    }
    const after = request.cursor === undefined ? undefined : decodeSearchCursor(request.cursor);
    if (request.conversationId !== undefined) await conversations.assertMember(request.conversationId, userId, 'search');
    const words = searchWords(request.query);
    if (words.length === 0 || (request.from !== undefined && request.to !== undefined && request.from >= request.to)) {
      return { hits: [], nextCursor: null };
    }
    const page = await repository.search({
      userId,
      words,
      conversationId: request.conversationId,
      senderId: request.senderId,
      from: request.from,
      to: request.to,
      after,
      limit: request.limit,
    });
    return {
      hits: page.messages.map((message) => ({
        message,
        conversationId: message.conversationId,
        snippet: buildSnippet(message.text, words),
      })),
      nextCursor: page.next === null ? null : encodeSearchCursor(page.next),
    };
  }
}
