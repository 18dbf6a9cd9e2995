/**
 * The store write micro-benchmark runs on each database and reports a figure per round; its own
 * check (every message stored once, gapless seqs) fails it otherwise. Never asserts a speed.
 */
import { PG_URL, postgresAvailable } from '@herald/testkit';
import { describe, expect, it } from 'vitest';
import { formatTable, parseOptions, runStoreAppend } from '../src/store-append.mjs';

const hasPostgres = await postgresAvailable();

describe('store-append', () => {
  it('reads its options and refuses bad ones', () => {
    expect(parseOptions(['--db', 'sqlite', '--batch', '1,8', '--messages', '40', '--rows', '300', '--repeat', '2'])).toEqual({
      dbs: ['sqlite'],
      batches: [1, 8],
      messages: 40,
      rows: 300,
      repeat: 2,
    });
    expect(() => parseOptions(['--db', 'mysql'])).toThrow(/--db/);
    expect(() => parseOptions(['--batch', '0'])).toThrow(/--batch/);
    expect(() => parseOptions(['--messages', 'many'])).toThrow(/--messages/);
  });

  for (const db of ['sqlite', 'postgres']) {
    it.skipIf(db === 'postgres' && !hasPostgres)(
      `measures every batch size in every round on ${db}`,
      async () => {
        const options = parseOptions(['--db', db, '--batch', '1,3', '--messages', '30', '--rows', '300', '--repeat', '2']);
        const rows = await runStoreAppend(options, { pgUrl: PG_URL });
        expect(rows.map((row) => [row.db, row.rows, row.batch])).toEqual([
          [db, 300, 1],
          [db, 300, 3],
        ]);
        for (const row of rows) {
          expect(row.nodeUs).toHaveLength(2);
          expect(row.wallUs).toHaveLength(2);
          expect(row.postgresUs).toHaveLength(db === 'postgres' ? 2 : 0);
          for (const value of [...row.nodeUs, ...row.wallUs]) expect(value).toBeGreaterThan(0);
        }
        const table = formatTable(rows);
        expect(table.split('\n')).toHaveLength(4);
        expect(table).toContain(`| ${db} | 300 | 3 |`);
      },
      60_000,
    );
  }
});
