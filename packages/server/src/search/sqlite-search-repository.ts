/**
 * SearchRepository on SQLite: the FTS5 table `message_search` (trigram tokenizer, case-folding;
 * migration 0009) finds the words of 3 characters or more; shorter words are checked with GLOB
 * on the candidates. Positions are message rowids, which grow with every insert, so "newest
 * first" is rowid order and the index hands out matches already in it (a page stops reading at
 * `limit + 1` hits, however common the word). The index is filled in batches after the messages'
 * commits (SqliteSearchIndexer, migration 0013); a search first indexes what is still pending.
 * Invariants: those of SearchRepository; a query of short words only reads at most
 * SHORT_QUERY_WINDOW of the searcher's messages per page. A full VACUUM may renumber rowids: run
 * `insert into message_search(message_search) values ('rebuild')` after one, and set
 * `search_index_position.indexed_rowid` to the largest rowid (the rebuild indexed every row).
 */
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import { toMessage } from '../store/message-rows.js';
import type { Database, MessagesTable } from '../store/schema.js';
import { invalidSearchCursor } from './search-cursor.js';
import { type SearchCriteria, type SearchPage, type SearchRepository, SHORT_QUERY_WINDOW } from './search-repository.js';
import { allOf, searchScope } from './search-scope.js';
import { isTrigramWord } from './search-words.js';
import { SqliteSearchIndexer, type SqliteSearchIndexerOptions } from './sqlite-search-indexer.js';

type Row = Selectable<MessagesTable> & { pos: number };

export class SqliteSearchRepository implements SearchRepository {
  private readonly indexer: SqliteSearchIndexer;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly window = SHORT_QUERY_WINDOW,
    indexing: SqliteSearchIndexerOptions = {},
  ) {
    this.indexer = new SqliteSearchIndexer(db, indexing);
  }

  start(): void {
    this.indexer.start();
  }

  close(): Promise<void> {
    return this.indexer.close();
  }

  async search(criteria: SearchCriteria): Promise<SearchPage> {
    await this.indexer.catchUp();
    const after = criteria.after === undefined ? undefined : rowidOf(criteria.after);
    const long = criteria.words.filter(isTrigramWord);
    const short = criteria.words.filter((word) => !isTrigramWord(word)).map((word) => sql`m.text glob ${containsGlob(word)}`);
    const take = criteria.limit + 1;
    if (long.length > 0) {
      // Each word a quoted phrase: with the trigram tokenizer a phrase matches as a substring.
      const match = long.map((word) => `"${word.replaceAll('"', '""')}"`).join(' ');
      const conditions = [...searchScope(criteria), ...short];
      if (after !== undefined) conditions.push(sql`message_search.rowid < ${after}`);
      const { rows } = await sql<Row>`
        select message_search.rowid as pos, m.* from message_search join messages m on m.rowid = message_search.rowid
        where message_search match ${match} and ${allOf(conditions)}
        order by message_search.rowid desc limit ${take}`.execute(this.db);
      return pageOf(rows, criteria.limit, null);
    }
    const scope = searchScope(criteria);
    if (after !== undefined) scope.push(sql`m.rowid < ${after}`);
    // The oldest message of this page's window: the window-th of the searcher's, newest first.
    const { rows: edge } = await sql<{ pos: number }>`
      select m.rowid as pos from messages m where ${allOf(scope)}
      order by m.rowid desc limit 1 offset ${this.window - 1}`.execute(this.db);
    const boundary = edge[0]?.pos;
    const within: RawBuilder<unknown>[] = boundary === undefined ? [] : [sql`m.rowid >= ${boundary}`];
    const { rows } = await sql<Row>`
      select m.rowid as pos, m.* from messages m where ${allOf([...scope, ...within, ...short])}
      order by m.rowid desc limit ${take}`.execute(this.db);
    return pageOf(rows, criteria.limit, boundary === undefined ? null : String(boundary));
  }
}

/** A page of at most `limit` rows; `more` (the window's edge) when the window ran out first. */
function pageOf(rows: Row[], limit: number, more: string | null): SearchPage {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? String(last.pos) : more;
  return { messages: page.map(toMessage), next };
}

function rowidOf(position: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(position)) throw invalidSearchCursor();
  return Number(position);
}

/**
 * A GLOB pattern matching text that contains `word`, case-insensitively: each cased character
 * becomes a class of its spellings (`[eE]`), GLOB's own characters are bracketed. SQLite's LIKE
 * folds ASCII only; this folds whatever JavaScript's one-character case mappings do.
 */
export function containsGlob(word: string): string {
  let pattern = '*';
  for (const char of word) {
    const spellings = new Set([char, char.toLowerCase(), char.toUpperCase()].filter((s) => [...s].length === 1));
    if (spellings.size > 1) pattern += `[${[...spellings].join('')}]`;
    else pattern += '*?['.includes(char) ? `[${char}]` : char;
  }
  return `${pattern}*`;
}
