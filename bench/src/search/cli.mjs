/**
 * `npm run bench:search -- [options]`: message search at scale. Fills SQLite and PostgreSQL with
 * `--messages` (default 1,000,000) mixed English and Chinese messages in many conversations (the
 * searcher in a realistic subset), builds the search indexes through migration 0009, then times the
 * SearchRepository (the query, not HTTP) for each query kind: p50, p95, max over `--repeat` runs.
 * It also measures what the index costs a message write: appends (MessageRepository, one message
 * per call, the dialect's fast path) with the index and without it, interleaved.
 * Not a test: it reports, it does not judge (exit 1 only if a step could not run, 2 on a usage mistake).
 *
 *   npm run bench:search -- [--db sqlite,postgres] [--messages 1000000] [--repeat 20] [--writes 2000] [--json]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRepositories, migrateTo, migrateToLatest, openDatabase, searchRepositoryFor } from '@herald/server';
import { sql } from 'kysely';
import { machineInfo } from '../machine.mjs';
import { benchPgUrl, dropSchema, postgresReachable } from '../targets/herald.mjs';
import { messageText, rng } from './corpus.mjs';
import { conversationId, fillPostgres, fillSqlite, userId } from './fill.mjs';

/** @param {string[]} argv */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'sqlite,postgres' },
      messages: { type: 'string', default: '1000000' },
      users: { type: 'string', default: '20000' },
      conversations: { type: 'string', default: '20000' },
      'searcher-conversations': { type: 'string', default: '150' },
      'searcher-share': { type: 'string', default: '0.05' },
      repeat: { type: 'string', default: '20' },
      writes: { type: 'string', default: '2000' },
      json: { type: 'boolean', default: false },
    },
  });
  const int = (/** @type {string} */ name, /** @type {string} */ value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  const dbs = values.db.split(',').map((d) => d.trim());
  for (const d of dbs) if (d !== 'sqlite' && d !== 'postgres') throw new Error(`--db: unknown database ${d}`);
  const layout = {
    messages: int('messages', values.messages),
    users: int('users', values.users),
    conversations: int('conversations', values.conversations),
    searcherConversations: int('searcher-conversations', values['searcher-conversations']),
    searcherShare: Number(values['searcher-share']),
    seed: 23,
  };
  if (layout.searcherConversations >= layout.conversations) throw new Error('--searcher-conversations must be below --conversations');
  return { dbs, layout, repeat: int('repeat', values.repeat), writes: int('writes', values.writes), json: values.json };
}

/** The query kinds: words, and whether they name one of the searcher's conversations. */
const KINDS = [
  { name: 'rare word', words: [['quokka'], ['axolotl'], ['pangolin'], ['narwhal'], ['okapi']] },
  { name: 'common word', words: [['meeting'], ['tomorrow'], ['please']] },
  {
    name: 'two common words',
    words: [
      ['meeting', 'tomorrow'],
      ['please', 'review'],
    ],
  },
  { name: 'very common short word (2 chars, Latin)', words: [['ok'], ['we']] },
  { name: '2-char Chinese', words: [['北京'], ['上海'], ['会议']] },
  { name: '3+ char Chinese', words: [['明天开会'], ['项目进度'], ['周末加班']] },
  { name: 'no hit at all', words: [['zyzzyva'], ['犇犇犇']] },
];

/** @param {number[]} samples */
function summary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (/** @type {number} */ q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const round = (/** @type {number} */ n) => Math.round(n * 100) / 100;
  return { p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted[sorted.length - 1] ?? 0) };
}

/**
 * Time every query kind on an open database.
 * @param {import('@herald/server').DatabaseHandle} database
 * @param {{ searcherConversations: number }} layout
 * @param {number} repeat
 */
async function timeQueries(database, layout, repeat) {
  const search = searchRepositoryFor(database);
  const userIdOfSearcher = userId(0);
  const results = [];
  for (const kind of KINDS) {
    for (const filtered of [false, true]) {
      for (const page of [1, 2]) {
        if (page === 2 && filtered) continue;
        const samples = [];
        let hits = 0;
        for (let i = -2; i < repeat; i++) {
          const words = kind.words[(i + 2) % kind.words.length] ?? [];
          const criteria = {
            userId: userIdOfSearcher,
            words,
            conversationId: filtered ? conversationId((i + 2) % layout.searcherConversations) : undefined,
            limit: 20,
          };
          let after;
          if (page === 2) after = (await search.search(criteria)).next ?? undefined;
          if (page === 2 && after === undefined) continue;
          const started = performance.now();
          const result = await search.search({ ...criteria, after });
          const ms = performance.now() - started;
          if (i >= 0) {
            samples.push(ms);
            hits += result.messages.length;
          }
        }
        if (samples.length === 0) continue;
        results.push({
          kind: kind.name,
          conversationFilter: filtered,
          page,
          ...summary(samples),
          meanHits: Math.round((hits / samples.length) * 10) / 10,
        });
      }
    }
  }
  return results;
}

/**
 * Append cost with and without the search index, on a fresh small database, interleaved.
 * @param {() => Promise<import('@herald/server').DatabaseHandle>} open
 * @param {number} writes
 */
async function timeWrites(open, writes) {
  const database = await open();
  const repositories = createRepositories(database);
  const schema =
    database.dialect === 'postgres'
      ? /** @type {any} */ ((await sql`select current_schema() as s`.execute(database.db)).rows[0])?.s
      : undefined;
  const owner = await repositories.accounts.createUser({ email: 'w@bench.test', name: 'w', passwordHash: 'x', role: 'user' });
  /** @type {string[]} */
  const ids = [];
  for (let c = 0; c < 50; c++) {
    ids.push(
      await repositories.conversations.createConversation({
        kind: 'group',
        title: 'w',
        ownerId: owner.id,
        directKey: null,
        memberIds: [owner.id],
      }),
    );
  }
  const random = rng(7);
  let n = 0;
  const run = async () => {
    const started = performance.now();
    for (let i = 0; i < writes; i++) {
      await repositories.messages.appendMessage({
        conversationId: /** @type {string} */ (ids[i % ids.length]),
        senderId: owner.id,
        clientId: `w${n++}`,
        type: 'text',
        text: messageText(random),
        replyTo: null,
        attachment: null,
      });
    }
    return ((performance.now() - started) * 1000) / writes;
  };
  const withIndex = [];
  const withoutIndex = [];
  await run(); // warm-up: statements prepared, caches filled
  for (let round = 0; round < 3; round++) {
    withIndex.push(await run());
    await migrateTo(/** @type {any} */ (database.db), '0008_message_changes', schema);
    withoutIndex.push(await run());
    await migrateToLatest(/** @type {any} */ (database.db), schema);
  }
  await database.close();
  const median = (/** @type {number[]} */ list) => Math.round([...list].sort((a, b) => a - b)[1] ?? 0);
  const [w, wo] = [median(withIndex), median(withoutIndex)];
  return { messagesPerRun: writes, usPerMessageWithIndex: w, usPerMessageWithout: wo, indexCostPercent: Math.round(((w - wo) / wo) * 100) };
}

async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : error}\n`);
    process.exit(2);
  }
  const { dbs, layout, repeat, writes, json } = options;
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  const pgUrl = benchPgUrl();
  const report = {
    reproduce: `npm run bench:search -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: machineInfo(),
    layout,
    databases: /** @type {Record<string, unknown>} */ ({}),
  };
  for (const db of dbs) {
    const dir = mkdtempSync(join(tmpdir(), 'herald-search-bench-'));
    const schema = `search_bench_${process.pid}`;
    try {
      if (db === 'postgres' && !(await postgresReachable(pgUrl))) throw new Error(`PostgreSQL at ${pgUrl} does not answer`);
      log(`${db}: filling ${layout.messages} messages…`);
      const file = join(dir, 'herald.db');
      const fill = db === 'sqlite' ? await fillSqlite(file, layout) : await fillPostgres(pgUrl, schema, layout);
      log(`${db}: filled in ${fill.fillSeconds.toFixed(1)} s, index built in ${fill.indexBuildSeconds.toFixed(1)} s; querying…`);
      const open = () =>
        db === 'sqlite' ? openDatabase({ kind: 'sqlite', file }) : openDatabase({ kind: 'postgres', url: pgUrl, schema });
      const database = await open();
      const sizes = await sizesOf(database, db === 'sqlite' ? file : undefined);
      const queries = await timeQueries(database, layout, repeat);
      await database.close();
      log(`${db}: measuring write cost…`);
      const writeDir = mkdtempSync(join(tmpdir(), 'herald-search-writes-'));
      const writeSchema = `${schema}_w`;
      const write = await timeWrites(
        () =>
          db === 'sqlite'
            ? openDatabase({ kind: 'sqlite', file: join(writeDir, 'w.db') })
            : openDatabase({ kind: 'postgres', url: pgUrl, schema: writeSchema }),
        writes,
      ).finally(async () => {
        rmSync(writeDir, { recursive: true, force: true });
        if (db === 'postgres') await dropSchema(pgUrl, writeSchema);
      });
      report.databases[db] = { ...fill, ...sizes, queries, write };
    } catch (error) {
      report.databases[db] = { error: error instanceof Error ? error.message : String(error) };
      process.exitCode = 1;
    } finally {
      rmSync(dir, { recursive: true, force: true });
      if (db === 'postgres') await dropSchema(pgUrl, schema).catch(() => undefined);
    }
  }
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : markdown(report));
}

/**
 * Table and index sizes, MiB.
 * @param {import('@herald/server').DatabaseHandle} database
 * @param {string | undefined} file
 */
async function sizesOf(database, file) {
  const mib = (/** @type {number} */ bytes) => Math.round((bytes / 2 ** 20) * 10) / 10;
  const raw = async (/** @type {string} */ text) => (await sql.raw(text).execute(database.db)).rows[0];
  if (file) {
    const index = /** @type {any} */ (
      await raw("select sum(pgsize) as bytes from dbstat where name like 'message_search%'").catch(() => undefined)
    );
    return { databaseMiB: mib(statSync(file).size), searchIndexMiB: index?.bytes ? mib(Number(index.bytes)) : null };
  }
  const row = /** @type {any} */ (
    await raw("select pg_total_relation_size('messages') as total, pg_relation_size('messages_text_trgm') as idx")
  );
  return { databaseMiB: mib(Number(row.total)), searchIndexMiB: mib(Number(row.idx)) };
}

/** @param {{ reproduce: string, machine: unknown, databases: Record<string, unknown> }} report */
function markdown(report) {
  const lines = [`Reproduce: \`${report.reproduce}\``, '', `Machine: ${JSON.stringify(report.machine)}`, ''];
  for (const [db, result] of Object.entries(report.databases)) {
    const r = /** @type {any} */ (result);
    lines.push(`### ${db}`, '');
    if (r.error) {
      lines.push(`error: ${r.error}`, '');
      continue;
    }
    lines.push(
      `fill ${r.fillSeconds.toFixed(1)} s, index build (migration 0009) ${r.indexBuildSeconds.toFixed(1)} s, database ${r.databaseMiB} MiB, search index ${r.searchIndexMiB} MiB`,
      '',
      '| query | conversation filter | page | p50 ms | p95 ms | max ms | hits/page |',
      '|---|---|---|---|---|---|---|',
    );
    for (const q of r.queries)
      lines.push(`| ${q.kind} | ${q.conversationFilter ? 'yes' : 'no'} | ${q.page} | ${q.p50} | ${q.p95} | ${q.max} | ${q.meanHits} |`);
    const w = r.write;
    lines.push(
      '',
      `append, one message per call: ${w.usPerMessageWithIndex} µs/message with the index, ${w.usPerMessageWithout} µs without (${w.indexCostPercent}%)`,
      '',
    );
  }
  return `${lines.join('\n')}\n`;
}

await main();
