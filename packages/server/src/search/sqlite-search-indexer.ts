/**
 * SqliteSearchIndexer: fills SQLite's search index (the FTS5 table `message_search`) in batches,
 * after the messages' commits instead of inside them (migration 0013). One FTS5 insert per message
 * costs ~75 µs on the send path; a batch of 20 costs ~10 µs a row, off it. A tick every
 * `intervalMs` indexes what was appended since the last one (at most `batchRows` rows per
 * transaction, the next batch on the next turn of the event loop), and a search first indexes
 * whatever is still pending, so results are always current.
 * Invariants: a row is in the index iff its rowid ≤ `search_index_position.indexed_rowid`; a batch
 * indexes rows above the mark and moves the mark to the last of them in one transaction, so a row
 * is indexed exactly once, by its text at that moment (edits and deletions before it need nothing;
 * after it, migration 0013's triggers keep it current). Batches never overlap: one runs at a time.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../store/schema.js';

export interface SqliteSearchIndexerOptions {
  /** How often to look for new messages (ms). */
  intervalMs?: number;
  /** Most rows indexed in one transaction (one stretch of the event loop). */
  batchRows?: number;
  /** A batch failed (logged by the caller; the next tick tries again). */
  onProblem?: (error: Error) => void;
}

export class SqliteSearchIndexer {
  private readonly intervalMs: number;
  private readonly batchRows: number;
  private timer: NodeJS.Timeout | undefined;
  /** The batch in progress, if any: every caller waits for it before starting the next. */
  private running: Promise<number> = Promise.resolve(0);
  private closed = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: SqliteSearchIndexerOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 25;
    this.batchRows = options.batchRows ?? 500;
  }

  /** Index new messages every `intervalMs` until `close()`. */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  /** Index every message appended so far (a search calls this first). Resolves once none is pending. */
  async catchUp(): Promise<void> {
    while ((await this.indexBatch()) === this.batchRows) {
      // A full batch: there may be more.
    }
  }

  /** Stop the timer and wait for a batch in progress. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running.catch(() => 0);
  }

  private async tick(): Promise<void> {
    try {
      const { rows } = await sql<{ due: number }>`
        select coalesce((select max(rowid) from messages), 0) > (select indexed_rowid from search_index_position) as due`.execute(this.db);
      if (!rows[0]?.due) return;
      while (!this.closed && (await this.indexBatch()) === this.batchRows) {
        // Let sockets and timers run between batches of a backlog.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      this.options.onProblem?.(error as Error);
    }
  }

  /** Index one batch, after the one in progress; resolves with the rows it indexed. */
  indexBatch(): Promise<number> {
    const batch = this.running.catch(() => 0).then(() => this.writeBatch());
    this.running = batch;
    return batch;
  }

  private writeBatch(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ mark: number; upto: number | null }>`
        select p.indexed_rowid as mark,
          (select max(rowid) from (select rowid from messages where rowid > p.indexed_rowid order by rowid limit ${this.batchRows})) as upto
        from search_index_position p`.execute(trx);
      const position = rows[0];
      if (!position || position.upto === null) return 0;
      const { mark, upto } = position;
      const inserted =
        await sql`insert into message_search (rowid, text) select rowid, text from messages where rowid > ${mark} and rowid <= ${upto}`.execute(
          trx,
        );
      await sql`update search_index_position set indexed_rowid = ${upto}`.execute(trx);
      return Number(inserted.numAffectedRows ?? 0n);
    });
  }
}
