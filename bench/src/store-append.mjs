/**
 * Store write micro-benchmark: what persisting messages costs Herald's Store by batch size and
 * table size, with no sockets in the way. Reports CPU per message of this process (every thread:
 * SQLite's work and its checkpoint worker included) and, on PostgreSQL, of every `postgres`
 * process on the machine (an upper bound where something else uses PostgreSQL), and wall time.
 * On SQLite the search index is filled after the commits, in batches (SqliteSearchIndexer): its
 * CPU per message is measured after each round, apart from the write's.
 * The configurations are interleaved `--repeat` times, so a drifting machine shows as spread
 * between runs rather than as a difference between configurations.
 * Invariant: every run checks what it wrote (each message stored once, seqs gapless); a write
 * path that loses or repeats messages fails the command instead of reporting a figure.
 *
 *   npm run bench:append -- [--db sqlite,postgres] [--batch 1,2,4] [--messages 4000] [--rows 0] [--repeat 3]
 *
 * Conversations: 1,000 with two members each among 200 users; messages go round-robin over them.
 * `--rows N` first fills `messages` with N rows (through the MessageRepository, 256 per batch), to see what a
 * grown table costs. PostgreSQL: `HERALD_BENCH_PG_URL` (default the test database), own schema,
 * dropped at the end. Pin it for steadier figures: `taskset -c 0 node bench/src/store-append.mjs`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRepositories, openDatabase, SqliteSearchIndexer } from '@herald/server';
import { groupCpuMeter, pidsNamed } from './proc-stats.mjs';
import { benchPgUrl, dropSchema } from './targets/herald.mjs';

const USERS = 200;
const CONVERSATIONS = 1000;
const FILL_BATCH = 256;

/**
 * A 64-character chat line of ordinary words, different for every n: the search index's cost
 * depends on the text (a run of one letter is a single trigram; real words are ~60).
 */
const WORDS = 'the quick brown fox jumps over lazy dogs while seven wizards quietly hex jolly merchants at dawn near rivers'.split(' ');
/** @param {number} n */
function chatText(n) {
  const words = [];
  for (let i = 0; words.join(' ').length < 64; i++) words.push(WORDS[(i * 7 + n) % WORDS.length]);
  return words.join(' ').slice(0, 64);
}

/** @typedef {import('@herald/server').Repositories} Store */
/** @typedef {{ db: string, rows: number, batch: number, nodeUs: number[], postgresUs: number[], wallUs: number[], indexUs: number[] }} Row */

/** @param {string[]} argv */
export function parseOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', default: 'sqlite,postgres' },
      batch: { type: 'string', default: '1,2,4' },
      messages: { type: 'string', default: '4000' },
      rows: { type: 'string', default: '0' },
      repeat: { type: 'string', default: '3' },
    },
  });
  const list = (/** @type {string} */ text) =>
    text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const count = (/** @type {string} */ name, /** @type {string} */ text, min = 0) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got "${text}"`);
    return n;
  };
  const dbs = list(values.db);
  for (const db of dbs) if (db !== 'sqlite' && db !== 'postgres') throw new Error(`--db takes sqlite and/or postgres, got "${db}"`);
  return {
    dbs,
    batches: list(values.batch).map((text) => count('batch', text, 1)),
    messages: count('messages', values.messages, 1),
    rows: count('rows', values.rows),
    repeat: count('repeat', values.repeat, 1),
  };
}

/**
 * Runs every configuration of `options` and returns one row per (db, batch).
 * @param {ReturnType<typeof parseOptions>} options
 * @param {{ pgUrl: string, log?: (line: string) => void }} env
 * @returns {Promise<Row[]>}
 */
export async function runStoreAppend(options, { pgUrl, log = () => {} }) {
  /** @type {Row[]} */
  const rows = [];
  for (const db of options.dbs) {
    const dir = mkdtempSync(join(tmpdir(), 'herald-append-'));
    const schema = `bench_append_${process.pid}_${Date.now()}`;
    const database = await openDatabase(
      db === 'postgres' ? { kind: 'postgres', url: pgUrl, schema } : { kind: 'sqlite', file: join(dir, 'herald.db') },
    );
    const store = createRepositories(database);
    try {
      const conversations = await setUp(store);
      let n = 0;
      const next = () => {
        const c = conversations[n % CONVERSATIONS];
        n++;
        if (!c) throw new Error('no conversation');
        return {
          conversationId: c.id,
          senderId: c.sender,
          clientId: `m${n}`,
          type: /** @type {const} */ ('text'),
          text: chatText(n),
          replyTo: null,
          attachment: null,
        };
      };
      log(`${db}: filling ${options.rows} rows`);
      for (let left = options.rows; left > 0; left -= FILL_BATCH)
        await store.messages.appendMessages(Array.from({ length: Math.min(FILL_BATCH, left) }, next));
      for (let i = 0; i < 1000; i++) await store.messages.appendMessage(next()); // warm-up: JIT, plans, pool connection
      // Herald's own indexer (search-repository-for.ts) is this, on a timer; here it runs after each round.
      const indexer = db === 'sqlite' ? new SqliteSearchIndexer(database.db) : undefined;
      await indexer?.catchUp();
      const byBatch = new Map(
        options.batches.map((batch) => [
          batch,
          /** @type {Row} */ ({ db, rows: options.rows, batch, nodeUs: [], postgresUs: [], wallUs: [], indexUs: [] }),
        ]),
      );
      for (let round = 0; round < options.repeat; round++) {
        for (const batch of options.batches) {
          const row = byBatch.get(batch);
          if (!row) continue;
          const postgres = db === 'postgres' ? groupCpuMeter(pidsNamed('postgres')) : undefined;
          const cpu = process.cpuUsage();
          const wall = performance.now();
          for (let sent = 0; sent < options.messages; sent += batch)
            await store.messages.appendMessages(Array.from({ length: Math.min(batch, options.messages - sent) }, next));
          const used = process.cpuUsage(cpu);
          row.wallUs.push(((performance.now() - wall) * 1000) / options.messages);
          row.nodeUs.push((used.user + used.system) / options.messages);
          if (postgres) row.postgresUs.push(postgres.elapsedNs() / 1000 / options.messages);
          if (indexer) {
            const indexCpu = process.cpuUsage();
            await indexer.catchUp();
            const spent = process.cpuUsage(indexCpu);
            row.indexUs.push((spent.user + spent.system) / options.messages);
          }
          log(`${db}: batch ${batch}, round ${round + 1}: ${row.nodeUs.at(-1)?.toFixed(0)} µs node CPU per message`);
        }
      }
      await check(store, conversations, n);
      rows.push(...byBatch.values());
    } finally {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
      if (db === 'postgres') await dropSchema(pgUrl, schema);
    }
  }
  return rows;
}

/** @param {Store} store */
async function setUp(store) {
  const users = [];
  for (let i = 0; i < USERS; i++)
    users.push(await store.accounts.createUser({ email: `u${i}@bench.test`, name: `User ${i}`, passwordHash: 'x', role: 'user' }));
  const conversations = [];
  for (let i = 0; i < CONVERSATIONS; i++) {
    const sender = users[i % USERS]?.id ?? '';
    const other = users[(i * 7 + 1) % USERS]?.id ?? '';
    const memberIds = sender === other ? [sender] : [sender, other];
    conversations.push({
      id: await store.conversations.createConversation({ kind: 'group', title: `c${i}`, ownerId: sender, directKey: null, memberIds }),
      sender,
    });
  }
  return conversations;
}

/**
 * Every message appended is stored once, in gapless seqs: the conversations' last seqs add up to the
 * number sent, and a sample conversation's history is 1..lastSeq.
 * @param {Store} store @param {{ id: string, sender: string }[]} conversations @param {number} sent
 */
async function check(store, conversations, sent) {
  let total = 0;
  for (const c of conversations) total += (await store.conversations.getConversation(c.id, c.sender))?.lastSeq ?? 0;
  if (total !== sent) throw new Error(`store-append: ${sent} messages appended, conversations count ${total}`);
  const sample = conversations[0];
  if (!sample) return;
  const { messages } = await store.messages.history(sample.id, { limit: 100_000 });
  if (messages.some((m, i) => m.seq !== i + 1)) throw new Error('store-append: seqs of a conversation are not 1..n');
}

/** @param {Row[]} rows */
export function formatTable(rows) {
  const runs = (/** @type {number[]} */ values) => (values.length ? values.map((v) => v.toFixed(0)).join(' / ') : '–');
  return [
    '| database | rows before | batch | node CPU µs/message | postgres CPU µs/message | wall µs/message | search index, after: CPU µs/message |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) => `| ${r.db} | ${r.rows} | ${r.batch} | ${runs(r.nodeUs)} | ${runs(r.postgresUs)} | ${runs(r.wallUs)} | ${runs(r.indexUs)} |`,
    ),
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = parseOptions(process.argv.slice(2));
  const pgUrl = benchPgUrl();
  const rows = await runStoreAppend(options, { pgUrl, log: (line) => process.stderr.write(`${line}\n`) });
  console.log(
    `Command: \`npm run bench:append -- ${process.argv.slice(2).join(' ')}\` (each cell: one figure per round, rounds interleaved)\n`,
  );
  console.log(formatTable(rows));
}
