/**
 * `npm run fuzz -- --frames N [--backend sqlite,postgres] [--seed N] [--sockets N] [--json]`: the wire
 * fuzzer (the root script builds the packages first). Runs each backend in turn, prints frames,
 * replies, the codes histogram, breaches with examples, crashes, the good client's p99 during the
 * run, RSS before/after and the command that reproduces the run; exits 1 on any invariant breach
 * or when a backend asked for cannot run (PostgreSQL absent counts when named or under CI=true), 2
 * on a usage mistake.
 * Invariant: the seed and the command to reproduce are always printed, pass or fail.
 */
import { fileURLToPath } from 'node:url';
import { benchPgUrl, postgresReachable } from '../targets/herald.mjs';
import { runFuzz } from './run.mjs';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const isCi = process.env.CI === 'true' || process.env.CI === '1';

const USAGE = `usage: npm run fuzz -- [options]
  --frames N        frames per backend (socket frames + REST requests; default 100000)
  --backend LIST    sqlite, postgres or both, comma-separated (default both; postgres is skipped
                    when it does not answer, unless named here or CI=true)
  --seed N          32-bit seed (default: random, printed)
  --sockets N       concurrent fuzz sockets, one user each (default 8)
  --json            print the results as JSON on stdout
`;

class UsageError extends Error {}

/** @param {string[]} argv */
function parse(argv) {
  const out = {
    frames: 100_000,
    backends: /** @type {('sqlite' | 'postgres')[]} */ (['sqlite', 'postgres']),
    backendNamed: false,
    seed: (Math.random() * 2 ** 31) | 0,
    sockets: 8,
    json: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const int = (/** @type {string} */ v, min = 1) => {
      const n = Number(v.replaceAll('_', ''));
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${arg} needs an integer ≥ ${min}, got ${v}`);
      return n;
    };
    if (arg === '--frames') out.frames = int(value());
    else if (arg === '--seed') out.seed = int(value(), -(2 ** 31)) | 0;
    else if (arg === '--sockets') out.sockets = int(value());
    else if (arg === '--json') out.json = true;
    else if (arg === '--help' || arg === '-h') out.help = true;
    else if (arg === '--backend') {
      const list = value().split(',');
      for (const b of list) if (b !== 'sqlite' && b !== 'postgres') throw new UsageError(`unknown backend ${b}`);
      out.backends = /** @type {('sqlite' | 'postgres')[]} */ (list);
      out.backendNamed = true;
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return out;
}

/** @param {ReturnType<typeof parse>} o @param {string} backend */
const reproduce = (o, backend) => `npm run fuzz -- --frames ${o.frames} --backend ${backend} --seed ${o.seed} --sockets ${o.sockets}`;

/** @param {import('./run.mjs').FuzzResult} r @param {string} command */
function table(r, command) {
  const t = r.tally;
  const codes = Object.entries(t.codes)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const lines = [
    `== ${r.backend}: ${r.ok ? 'PASS' : 'FAIL'} (${r.seconds} s)`,
    `frames ${t.frames} · replies ${t.replies} · other server frames ${t.pushes} · connections ${t.connections} · cut by a documented close ${t.cut}`,
    `codes: ${codes}`,
    `closes from the server: ${
      Object.entries(t.closes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `payloads: ${Object.entries(t.kinds)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `crashes: ${r.crash ? `1 (${r.crash})` : 0} · server error log lines: ${r.errorLogs.count}`,
    `good client during: ${r.good ? `${r.good.requests} requests, p50 ${r.good.p50} ms, p99 ${r.good.p99} ms, max ${r.good.max} ms` : 'n/a'}`,
    `RSS: before ${r.rssMiB.before} MiB, peak ${r.rssMiB.peak} MiB, after ${r.rssMiB.after} MiB`,
    `breaches: ${r.breaches}`,
  ];
  for (const [category, b] of Object.entries(t.breaches)) {
    lines.push(`  ${b.count} × ${category}`);
    for (const example of b.examples) lines.push(`      ${example}`);
  }
  lines.push(`reproduce: ${command}`);
  return lines.join('\n');
}

async function main() {
  let o;
  try {
    o = parse(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  log(`fuzz: seed ${o.seed}`);
  let failed = false;
  /** @type {unknown[]} */
  const results = [];
  for (const backend of o.backends) {
    if (backend === 'postgres' && !(await postgresReachable(benchPgUrl()))) {
      const why = `PostgreSQL at ${benchPgUrl()} does not answer (set HERALD_BENCH_PG_URL)`;
      const fatal = isCi || o.backendNamed;
      log(`\n!!! ${fatal ? 'FAILING' : 'SKIPPING'} postgres: ${why}\n`);
      results.push({ backend, skipped: why });
      if (fatal) failed = true;
      continue;
    }
    const command = reproduce(o, backend);
    const result = await runFuzz(backend, { frames: o.frames, seed: o.seed, sockets: o.sockets }, { repoRoot, log });
    if (!result.ok) failed = true;
    results.push({ ...result, reproduce: command });
    if (!o.json) process.stdout.write(`\n${table(result, command)}\n`);
  }
  if (o.json) process.stdout.write(`${JSON.stringify({ seed: o.seed, ok: !failed, results }, null, 2)}\n`);
  else process.stdout.write(`\nfuzz ${failed ? 'FAILED' : 'passed'} (seed ${o.seed})\n`);
  return failed ? 1 : 0;
}

// Ctrl-C / kill: exit through process.exit, so the servers' exit hooks kill them.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) process.once(signal, () => process.exit(130));

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`fuzz: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
