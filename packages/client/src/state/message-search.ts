/**
 * MessageSearch: one search box's state — the query, its hits page by page (newest first), and
 * whether more are to load — over the client's `search` request. Each `search()` starts over; an
 * answer to a query that was replaced meanwhile is dropped, so hits always belong to the shown query.
 * Invariants: `hits` of one query never repeat a message (pages are keyed by the server's cursor
 * and deduplicated by message id); one page is loading at a time; errors are kept in the snapshot,
 * never thrown at the UI.
 */
import { ErrorCode, HeraldError, type SearchHit, type SearchRequest } from '@herald/protocol';
import type { Timers } from '../environment.js';
import type { RequestInput } from '../frames.js';
import type { HeraldClient } from '../herald-client.js';
import { ExternalStore } from './external-store.js';

/** A search as the UI asks it: everything but paging. */
export type SearchQuery = Omit<SearchRequest, 'cursor' | 'limit'>;

export interface SearchSnapshot {
  readonly query: SearchQuery | null;
  readonly hits: SearchHit[];
  readonly loading: boolean;
  readonly hasMore: boolean;
  readonly error: HeraldError | null;
}

const IDLE: SearchSnapshot = Object.freeze({ query: null, hits: [], loading: false, hasMore: false, error: null });

export class MessageSearch extends ExternalStore<SearchSnapshot> {
  private cursor: string | null = null;
  private run = 0;

  constructor(
    private readonly client: Pick<HeraldClient, 'search'>,
    private readonly pageSize = 20,
    timers?: Timers,
  ) {
    super(IDLE, timers);
  }

  /** Start a search (null or a blank query clears it). */
  search = (query: SearchQuery | null): Promise<void> => {
    this.run++;
    this.cursor = null;
    if (!query || query.query.trim() === '') {
      this.setState(IDLE);
      return Promise.resolve();
    }
    this.setState({ query, hits: [], loading: true, hasMore: false, error: null });
    return this.load(this.run, query, undefined);
  };

  /** The next page of the current search. */
  loadMore = (): Promise<void> => {
    const { query, loading, hasMore } = this.getSnapshot();
    if (!query || loading || !hasMore || this.cursor === null) return Promise.resolve();
    this.setState({ ...this.getSnapshot(), loading: true });
    return this.load(this.run, query, this.cursor);
  };

  protected onStart(): void {}

  protected onStop(): void {}

  private async load(run: number, query: SearchQuery, cursor: string | undefined): Promise<void> {
    try {
      const request: RequestInput<'search'> = { ...query, limit: this.pageSize, ...(cursor === undefined ? {} : { cursor }) };
      const result = await this.client.search(request);
      if (run !== this.run) return;
      const seen = new Set(this.getSnapshot().hits.map((h) => h.message.id));
      const fresh = result.hits.filter((h) => !seen.has(h.message.id));
      this.cursor = result.nextCursor;
      this.setState({
        query,
        hits: [...this.getSnapshot().hits, ...fresh],
        loading: false,
        hasMore: result.nextCursor !== null,
        error: null,
      });
    } catch (error) {
      if (run !== this.run) return;
      const failure = error instanceof HeraldError ? error : new HeraldError(ErrorCode.Internal, String(error));
      this.setState({ ...this.getSnapshot(), loading: false, error: failure });
    }
  }
}
