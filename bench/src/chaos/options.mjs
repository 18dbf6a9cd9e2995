/**
 * `npm run chaos` command line: the options, the usage text, and the soak options they become.
 * Every mistake is a UsageError naming the option (the CLI answers with the usage and exit 2
 * before any server starts). `reproduce()` turns parsed options back into the command that runs
 * the same soak (the seed included).
 */
import { parseArgs } from 'node:util';
import { FAULT_KINDS } from './faults.mjs';

export const BACKENDS = /** @type {const} */ (['sqlite', 'cluster']);

export const USAGE = `Usage: npm run chaos [-- options]

Soak Herald under random faults through the real SDK and check that every accepted message reached
every member exactly once, in order. Exits 1 on any loss, duplicate, reorder or refused send.
docs/reliability.md explains every figure.

  --duration SECONDS      length of the fault phase per backend, extended (up to 3x) until every fault kind struck once (default 120; --short: 20)
  --short                 the short run (npm test's): 20 s per backend, 6 clients, a fault every 1-3 s,
                          stalls of 8-12 s (long enough to be detected)
  --backend LIST          sqlite,cluster (default both; cluster = 2 nodes on PostgreSQL + a dedicated redis-server)
  --clients N             SDK clients, each behind its own TCP proxy (default 8)
  --conversations N       group conversations; client i is in i and i+1 (default 4)
  --rate N                messages per second per client, through the outbox (default 2)
  --seed N                seed of the fault schedule and the load's choices (default random, printed)
  --faults LIST           ${FAULT_KINDS.join(',')} or none (default all; redis only on cluster)
  --fault-every MIN-MAX   seconds between faults (default 2-5); each enabled kind strikes once first
  --stall MIN-MAX         seconds a stall lasts (default 5-15)
  --down MIN-MAX          seconds a killed node or Redis stays down (default 1-4)
  --quiesce SECONDS       longest wait at the end for outboxes to empty and members to catch up (default 60)
  --json                  print the results as JSON on stdout (progress goes to stderr; through npm,
                          \`npm run -s chaos -- --json\` keeps npm's banner off stdout)
  --help                  this text

PostgreSQL: HERALD_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test);
redis-server: HERALD_TEST_REDIS_SERVER (default /usr/bin/redis-server).
`;

export class UsageError extends Error {
  /** @override */
  name = 'UsageError';
}

/** @param {string} option @param {string} text @param {number} min */
function number(option, text, min) {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`--${option}: "${text}" is not a number ≥ ${min}`);
  return n;
}

/** "A-B" (or "A") seconds as [ms, ms]. @param {string} option @param {string} text @returns {[number, number]} */
function range(option, text) {
  const [a = '', b = a] = text.split('-');
  const low = number(option, a, 0);
  const high = number(option, b, low);
  return [Math.round(low * 1000), Math.round(high * 1000)];
}

/** @template {string} T @param {string} option @param {string} text @param {readonly T[]} all @returns {T[]} */
function list(option, text, all) {
  if (text === 'none') return [];
  const items = text.split(',').map((s) => s.trim());
  for (const item of items)
    if (!all.includes(/** @type {T} */ (item))) throw new UsageError(`--${option}: unknown "${item}" (expected ${all.join(', ')})`);
  return /** @type {T[]} */ (items);
}

/** @param {string[]} argv */
export function parseChaosArgs(argv) {
  /** @type {Record<string, string | boolean | undefined>} */
  let values;
  try {
    values = /** @type {Record<string, string | boolean | undefined>} */ (
      parseArgs({
        args: argv,
        options: {
          help: { type: 'boolean' },
          short: { type: 'boolean' },
          json: { type: 'boolean' },
          duration: { type: 'string' },
          backend: { type: 'string' },
          clients: { type: 'string' },
          conversations: { type: 'string' },
          rate: { type: 'string' },
          seed: { type: 'string' },
          faults: { type: 'string' },
          'fault-every': { type: 'string' },
          stall: { type: 'string' },
          down: { type: 'string' },
          quiesce: { type: 'string' },
        },
      }).values
    );
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const text = (/** @type {string} */ key, /** @type {string} */ fallback) => {
    const value = values[key];
    return typeof value === 'string' ? value : fallback;
  };
  const short = values.short === true;
  const seedText = text('seed', String(Math.floor(Math.random() * 2 ** 31)));
  const seed = number('seed', seedText, 0);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed: "${seedText}" is not an integer`);
  return {
    help: values.help === true,
    json: values.json === true,
    short,
    backends: list('backend', text('backend', BACKENDS.join(',')), BACKENDS),
    backendNamed: typeof values.backend === 'string',
    /** @type {import('./soak.mjs').SoakOptions} */
    soak: {
      durationMs: Math.round(number('duration', text('duration', short ? '20' : '120'), 1) * 1000),
      clients: Math.floor(number('clients', text('clients', short ? '6' : '8'), 1)),
      conversations: Math.floor(number('conversations', text('conversations', '4'), 1)),
      rate: number('rate', text('rate', '2'), 0.1),
      seed,
      faults: list('faults', text('faults', FAULT_KINDS.join(',')), FAULT_KINDS),
      faultEveryMs: range('fault-every', text('fault-every', short ? '1-3' : '2-5')),
      stallMs: range('stall', text('stall', short ? '8-12' : '5-15')),
      downMs: range('down', text('down', '1-4')),
      quiesceMs: Math.round(number('quiesce', text('quiesce', '60'), 1) * 1000),
    },
  };
}

/** The command that runs the same soak again. @param {ReturnType<typeof parseChaosArgs>} parsed @param {string} backend */
export function reproduce(parsed, backend) {
  const s = parsed.soak;
  const sec = (/** @type {number} */ ms) => String(ms / 1000);
  const span = (/** @type {[number, number]} */ r) => `${sec(r[0])}-${sec(r[1])}`;
  return [
    'npm run chaos --',
    `--backend ${backend}`,
    `--seed ${s.seed}`,
    `--duration ${sec(s.durationMs)}`,
    `--clients ${s.clients}`,
    `--conversations ${s.conversations}`,
    `--rate ${s.rate}`,
    `--faults ${s.faults.join(',') || 'none'}`,
    `--fault-every ${span(s.faultEveryMs)}`,
    `--stall ${span(s.stallMs)}`,
    `--down ${span(s.downMs)}`,
    `--quiesce ${sec(s.quiesceMs)}`,
  ].join(' ');
}
