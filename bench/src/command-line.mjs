/**
 * The bench's command line: its options, the usage text, and what they become (the plan, the
 * targets, the scenarios). Every mistake is a UsageError naming the option, so the CLI can answer
 * with the usage and exit code 2 before any server starts.
 * Invariant: USAGE names every option in OPTIONS (a test checks it).
 */
import { parseArgs } from 'node:util';
import { FULL, QUICK } from './plan.mjs';

export const ALL_TARGETS = ['herald-sqlite', 'herald-postgres', 'socketio', 'socketio-postgres', 'raw-ws'];
export const ALL_SCENARIOS = ['idle', 'fanout', 'chat', 'cluster'];

/** @type {import('node:util').ParseArgsConfig['options']} */
export const OPTIONS = {
  help: { type: 'boolean', default: false },
  quick: { type: 'boolean', default: false },
  targets: { type: 'string' },
  scenarios: { type: 'string' },
  rates: { type: 'string' },
  set: { type: 'string', multiple: true },
  profile: { type: 'boolean', default: false },
  'gc-trace': { type: 'boolean', default: false },
  'loop-stalls': { type: 'boolean', default: false },
  out: { type: 'string' },
  docs: { type: 'boolean', default: false },
  note: { type: 'string' },
  'no-pin': { type: 'boolean', default: false },
};

/** Plan fields `--set` may change (`rates` has its own option). */
const SETTABLE = Object.keys(FULL).filter((key) => key !== 'name' && key !== 'rates');

export const USAGE = `Usage: npm run bench [-- options]

Runs the same scenarios against Herald (SQLite; PostgreSQL for fan-out and chat), Socket.IO 4,
Socket.IO 4 storing each message in PostgreSQL (fan-out and chat) and a raw ws server; times one
PostgreSQL commit alone; and runs the cluster scenario (Herald on PostgreSQL + Redis, from
herald-postgres, against Socket.IO with the Redis adapter, from socketio; 1 and 2 nodes). Prints a
Markdown table (JSON goes to bench/results/). docs/performance.md explains every figure.

  --quick                 smoke-sized plan, under a minute
  --targets LIST          ${ALL_TARGETS.join(',')} (default: all)
  --scenarios LIST        ${ALL_SCENARIOS.join(',')} (default: all)
  --rates LIST            fan-out publish rates in msg/s, e.g. 10,50,100
  --set FIELD=NUMBER      override one plan field (repeatable), e.g. --set chatRounds=5
  --profile               Herald under --cpu-prof (profiles under <out>/profiles)
  --gc-trace              Herald under --trace-gc-nvp; each scenario reports what the collector did
  --loop-stalls           every server with an event-loop stall monitor; each scenario reports its stalls
  --out DIR               where the JSON and Markdown results go (default: bench/results)
  --docs                  rewrite the generated section of docs/performance.md
  --note TEXT             a note stored with the results
  --no-pin                do not pin the servers and the load generator to separate cores
  --help                  this text

Plan fields for --set: ${SETTABLE.join(', ')}
PostgreSQL: HERALD_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/test).
Cluster: a redis-server of its own on a free port (HERALD_TEST_REDIS_SERVER, default /usr/bin/redis-server).
`;

export class UsageError extends Error {
  /** @override */
  name = 'UsageError';
}

/** Comma list from an option, each item one of `all`. @param {string} option @param {string | undefined} text @param {string[]} all */
function oneOf(option, text, all) {
  const items = text ? text.split(',').map((item) => item.trim()) : all;
  for (const item of items) {
    if (!all.includes(item)) throw new UsageError(`--${option}: unknown "${item}" (expected one of ${all.join(', ')})`);
  }
  return items;
}

/** @param {string} what @param {string} text @param {number} min the smallest value allowed (inclusive) */
function numberFrom(what, text, min) {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < min) throw new UsageError(`${what}: "${text}" is not a number ≥ ${min}`);
  return n;
}

/**
 * What the command line asks for. Throws UsageError on any mistake.
 * @param {string[]} argv the arguments after `node cli.mjs`
 */
export function parseCommandLine(argv) {
  /** @type {Record<string, string | boolean | (string | boolean)[] | undefined>} */
  let values;
  try {
    values = parseArgs({ args: argv, options: OPTIONS }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const plan = { ...(values.quick ? QUICK : FULL) };
  if (typeof values.rates === 'string') plan.rates = values.rates.split(',').map((rate) => numberFrom('--rates', rate, 1));
  const assignments = Array.isArray(values.set) ? values.set : [];
  for (const assignment of assignments) {
    const at = String(assignment).indexOf('=');
    const key = at > 0 ? String(assignment).slice(0, at) : '';
    if (!SETTABLE.includes(key)) throw new UsageError(`--set ${assignment}: expected FIELD=NUMBER, FIELD one of ${SETTABLE.join(', ')}`);
    /** @type {Record<string, unknown>} */ (plan)[key] = numberFrom(`--set ${key}`, String(assignment).slice(at + 1), 0);
  }
  const text = (/** @type {unknown} */ value) => (typeof value === 'string' ? value : undefined);
  return {
    help: values.help === true,
    plan,
    targets: oneOf('targets', text(values.targets), ALL_TARGETS),
    scenarios: new Set(oneOf('scenarios', text(values.scenarios), ALL_SCENARIOS)),
    profile: values.profile === true,
    gcTrace: values['gc-trace'] === true,
    loopStalls: values['loop-stalls'] === true,
    out: text(values.out),
    docs: values.docs === true,
    note: text(values.note),
    pin: values['no-pin'] !== true,
  };
}
