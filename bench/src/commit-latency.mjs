/**
 * One durable commit alone, as the floor Herald's PostgreSQL latency is judged against: from this
 * process, `samples` sequential single-row INSERTs in autocommit (one round trip, one WAL flush
 * each), then as many `BEGIN; INSERT; COMMIT` transactions (three round trips, one flush), each
 * timed with performance.now(). A short warm-up of each comes first (connection, plan, WAL file).
 * Invariants: the table is a logged table in a schema of its own (a TEMP or UNLOGGED table would
 * skip the WAL flush being measured), dropped afterwards whatever happened; the server's
 * `synchronous_commit` and `fsync` settings are recorded, since with either off a commit is not
 * durable and the figure is not the floor.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { dropSchema } from './targets/herald.mjs';

const serverPackage = fileURLToPath(new URL('../../packages/server/package.json', import.meta.url));
/** @type {typeof import('pg')} */
const pg = createRequire(serverPackage)('pg');

/**
 * @typedef {object} CommitTimes
 * @property {number} samples
 * @property {number} p50 ms
 * @property {number} p99 ms
 * @property {number} max ms
 * @property {number} mean ms
 */

/**
 * @typedef {object} CommitLatency
 * @property {CommitTimes} statement one single-row INSERT in autocommit: the figure the targets use
 * @property {CommitTimes} transaction BEGIN; INSERT; COMMIT
 * @property {string} synchronousCommit the server's setting
 * @property {string} fsync the server's setting
 */

/** @param {string} url @param {number} samples per shape @returns {Promise<CommitLatency>} */
export async function measureCommitLatency(url, samples) {
  const schema = `commit_bench_${process.pid}_${Date.now().toString(36)}`;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.query(
      `CREATE TABLE ${schema}.messages (id bigserial PRIMARY KEY, room text NOT NULL, seq bigint NOT NULL, text text NOT NULL, created_at bigint NOT NULL)`,
    );
    const insert = {
      name: 'commit-bench-insert',
      text: `INSERT INTO ${schema}.messages (room, seq, text, created_at) VALUES ($1, $2, $3, $4)`,
    };
    const text = 'x'.repeat(64);
    let seq = 0;
    const row = () => ['r', ++seq, text, Date.now()];
    const statement = async () => {
      await client.query({ ...insert, values: row() });
    };
    const transaction = async () => {
      await client.query('BEGIN');
      await client.query({ ...insert, values: row() });
      await client.query('COMMIT');
    };
    const warmup = Math.min(50, samples);
    const settings = await client.query('SELECT current_setting($1) AS sync, current_setting($2) AS fsync', [
      'synchronous_commit',
      'fsync',
    ]);
    return {
      statement: await time(statement, samples, warmup),
      transaction: await time(transaction, samples, warmup),
      synchronousCommit: String(settings.rows[0]?.sync),
      fsync: String(settings.rows[0]?.fsync),
    };
  } finally {
    await client.end();
    await dropSchema(url, schema);
  }
}

/** Run `once` `warmup` times untimed, then `samples` times timed. @param {() => Promise<void>} once @param {number} samples @param {number} warmup */
async function time(once, samples, warmup) {
  for (let i = 0; i < warmup; i++) await once();
  const ms = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const began = performance.now();
    await once();
    ms[i] = performance.now() - began;
  }
  ms.sort();
  const at = (/** @type {number} */ q) => round3(ms[Math.min(samples - 1, Math.ceil(q * samples) - 1)] ?? Number.NaN);
  return { samples, p50: at(0.5), p99: at(0.99), max: at(1), mean: round3(ms.reduce((a, b) => a + b, 0) / samples) };
}

const round3 = (/** @type {number} */ n) => Math.round(n * 1000) / 1000;
