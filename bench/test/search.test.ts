/**
 * `npm run bench:search` in `npm test`, at a tiny size against this tree's built server: it fills
 * both databases, builds the indexes through migration 0009, and prints every query kind's
 * figures and the write cost as JSON (behaviour, not speed: the figures of a full run are in
 * docs/performance.md "Search").
 */
import { buildServer } from '@herald/testkit';
import { beforeAll, expect, it } from 'vitest';
import { runJsonCli } from './run-json-cli.js';

interface QueryRow {
  kind: string;
  conversationFilter: boolean;
  page: number;
  p50: number;
  meanHits: number;
}
interface SearchRun {
  reproduce: string;
  databases: Record<
    string,
    { error?: string; queries?: QueryRow[]; write?: { usPerMessageWithIndex: number }; indexBuildSeconds?: number }
  >;
}

beforeAll(() => buildServer(), 180_000);

it('fills, indexes and times every query kind on each database', { timeout: 120_000 }, async () => {
  const run = await runJsonCli<SearchRun>([
    'bench/src/search/cli.mjs',
    ...['--messages', '2000', '--users', '200', '--conversations', '300', '--searcher-conversations', '40', '--searcher-share', '0.3'],
    ...['--repeat', '2', '--writes', '50', '--json'],
  ]);
  expect(run.json, run.stderr).toBeDefined();
  expect(run.json?.reproduce).toContain('npm run bench:search');
  const databases = run.json?.databases ?? {};
  expect(Object.keys(databases).sort()).toEqual(['postgres', 'sqlite']);
  for (const [name, result] of Object.entries(databases)) {
    if (name === 'postgres' && result.error?.includes('does not answer')) continue;
    expect(result.error, `${name}: ${run.stderr}`).toBeUndefined();
    expect(result.indexBuildSeconds).toEqual(expect.any(Number));
    expect(result.write?.usPerMessageWithIndex).toBeGreaterThan(0);
    const kinds = new Set(result.queries?.map((q) => q.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['rare word', 'common word', '2-char Chinese', '3+ char Chinese']));
    // The corpus is dense enough at this size for the common word to fill pages and reach page 2.
    expect(result.queries?.find((q) => q.kind === 'common word' && !q.conversationFilter && q.page === 1)?.meanHits).toBeGreaterThan(0);
    expect(result.queries?.some((q) => q.page === 2)).toBe(true);
  }
});
