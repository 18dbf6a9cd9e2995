/**
 * SearchRepository on PostgreSQL: the GIN trigram index `messages_text_trgm` (pg_trgm; migration
 * 0009) serves `ILIKE '%word%'` for words of 3 characters or more; shorter words are checked with
 * `strpos(lower(text), lower(word))` on the candidates, which no index is tempted by. Positions are
 * message ids (time-ordered UUIDv7), so "newest first" is id order.
 * Invariants: those of SearchRepository; a query of short words only reads at most
 * SHORT_QUERY_WINDOW of the searcher's messages per page. pg_trgm indexes CJK characters only in a
 * UTF-8 database whose LC_CTYPE classifies them as letters (C.UTF-8, en_US.UTF-8…); under plain C
 * results stay right but the index cannot narrow them.
 */
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { toMessage } from '../store/message-rows.js';
import type { Database, MessagesTable } from '../store/schema.js';
import { invalidSearchCursor } from './search-cursor.js';
import { type SearchCriteria, type SearchPage, type SearchRepository, SHORT_QUERY_WINDOW } from './search-repository.js';
import { allOf, searchScope } from './search-scope.js';

type Row = Selectable<MessagesTable>;

/**
 * True when pg_trgm can narrow `ILIKE '%word%'`: it takes trigrams from runs of letters and digits
 * only, and a pattern with none of them would read the whole index.
 */
function indexable(word: string): boolean {
  return /[\p{L}\p{N}]{3}/u.test(word);
}

export class PostgresSearchRepository implements SearchRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly window = SHORT_QUERY_WINDOW,
  ) {}

  async search(criteria: SearchCriteria): Promise<SearchPage> {
    const after = criteria.after === undefined ? undefined : idOf(criteria.after);
    const long = criteria.words.filter(indexable).map((word) => sql`m.text ilike ${containsPattern(word)}`);
    const short = criteria.words.filter((word) => !indexable(word)).map((word) => sql`strpos(lower(m.text), lower(${word})) > 0`);
    const take = criteria.limit + 1;
    const scope = searchScope(criteria);
    if (after !== undefined) scope.push(sql`m.id < ${after}`);
    if (long.length > 0) {
      const { rows } = await sql<Row>`
        select m.* from messages m where ${allOf([...long, ...short, ...scope])}
        order by m.id desc limit ${take}`.execute(this.db);
      return pageOf(rows, criteria.limit, null);
    }
    // The oldest message of this page's window: the window-th of the searcher's, newest first.
    const { rows: edge } = await sql<{ id: string }>`
      select m.id from messages m where ${allOf(scope)}
      order by m.id desc limit 1 offset ${this.window - 1}`.execute(this.db);
    const boundary = edge[0]?.id;
    const within: RawBuilder<unknown>[] = boundary === undefined ? [] : [sql`m.id >= ${boundary}`];
    const { rows } = await sql<Row>`
      select m.* from messages m where ${allOf([...scope, ...within, ...short])}
      order by m.id desc limit ${take}`.execute(this.db);
    return pageOf(rows, criteria.limit, boundary ?? null);
  }
}

/** A page of at most `limit` rows; `more` (the window's edge) when the window ran out first. */
function pageOf(rows: Row[], limit: number, more: string | null): SearchPage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? last.id : more;
  return { messages: page.map(toMessage), next };
}

function idOf(position: string): string {
  if (!/^[0-9a-f-]{1,64}$/.test(position)) throw invalidSearchCursor();
  return position;
}

/** `%word%` for ILIKE, with LIKE's own characters (and its escape, backslash) escaped. */
function containsPattern(word: string): string {
  return `%${word.replace(/[\\%_]/g, '\\$&')}%`;
}
