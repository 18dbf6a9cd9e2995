/**
 * `npm run abuse -- [options]`: reproduces the abuse figures of issue 22 against a freshly started
 * server (the built tree in `--server-dir`, default this one; `--backend postgres` optional) and
 * prints one table per scenario, or JSON with `--json`:
 * (a) a stranger adds a victim to N groups, then the victim's GET /conversations;
 * (b) a 256 KiB download idle and while 8 (and 16) logins are in flight, 429s, peak RSS;
 * (c) authenticated sockets one user can hold, anonymous sockets one IP can open;
 * (d) one user writing 16 KB messages flat out over the sockets it holds;
 * (e) unattached 5 MiB uploads; (f) slow-body connections still held after a wait;
 * (g) an error-report flood from 20 source addresses: accepted and database growth.
 * Not a test: it measures and reports, it does not pass or fail (exit 1 only when a scenario
 * could not run at all, 2 on a usage mistake).
 * Invariant: every scenario's figures are printed, with the command that reproduces the run.
 */
import { fileURLToPath } from 'node:url';
import {
  errorReportFlood,
  groupFlood,
  loginStall,
  messageFlood,
  ownGroup,
  register,
  slowBodies,
  socketHoard,
  uploadHoard,
} from './scenarios.mjs';
import { startAbuseServer } from './server.mjs';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const USAGE = `usage: npm run abuse -- [options]
  --server-dir DIR      the Herald tree to start (built: packages/server/dist/main.js); default this one
  --backend B           sqlite (default) or postgres
  --groups N            (a) groups the victim is added to (default 1000)
  --logins LIST         (b) logins in flight during the download, comma-separated (default 8,16)
  --auth-sockets N      (c) authenticated sockets one user tries to hold (default 2000)
  --anon-sockets N      (c) anonymous sockets one IP tries to open (default 1000)
  --flood-sockets N     (d) most of the held sockets used to write (default 100)
  --flood-per-socket N  (d) 16 KB messages written on each socket at once (default 40)
  --uploads N           (e) unattached uploads (default 20)
  --upload-mib N        (e) size of each (default 5)
  --slow N              (f) slow-body connections (default 200)
  --slow-wait S         (f) seconds to wait for them to be dropped (default 45: the 30 s timeout + margin)
  --report-sources N    (g) source addresses (default 20)
  --report-ms N         (g) how long the flood lasts (default 600)
  --env K=V             extra server environment (repeatable), e.g. HERALD_HTTP_REQUEST_TIMEOUT_MS=2000
  --json                print the results as JSON on stdout
`;

class UsageError extends Error {}

/** @param {string[]} argv */
function parse(argv) {
  const o = {
    serverDir: repoRoot,
    backend: /** @type {'sqlite' | 'postgres'} */ ('sqlite'),
    groups: 1000,
    logins: [8, 16],
    authSockets: 2000,
    anonSockets: 1000,
    floodSockets: 100,
    floodPerSocket: 40,
    uploads: 20,
    uploadMiB: 5,
    slow: 200,
    slowWait: 45,
    reportSources: 20,
    reportMs: 600,
    /** @type {Record<string, string>} */
    env: {},
    json: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    const int = (/** @type {string} */ v, min = 0) => {
      const n = Number(v.replaceAll('_', ''));
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${arg} needs an integer ≥ ${min}, got ${v}`);
      return n;
    };
    if (arg === '--server-dir') o.serverDir = value();
    else if (arg === '--backend') {
      const b = value();
      if (b !== 'sqlite' && b !== 'postgres') throw new UsageError(`unknown backend ${b}`);
      o.backend = b;
    } else if (arg === '--groups') o.groups = int(value());
    else if (arg === '--logins')
      o.logins = value()
        .split(',')
        .map((v) => int(v, 1));
    else if (arg === '--auth-sockets') o.authSockets = int(value());
    else if (arg === '--anon-sockets') o.anonSockets = int(value());
    else if (arg === '--flood-sockets') o.floodSockets = int(value());
    else if (arg === '--flood-per-socket') o.floodPerSocket = int(value(), 1);
    else if (arg === '--uploads') o.uploads = int(value());
    else if (arg === '--upload-mib') o.uploadMiB = int(value(), 1);
    else if (arg === '--slow') o.slow = int(value());
    else if (arg === '--slow-wait') o.slowWait = int(value(), 1);
    else if (arg === '--report-sources') o.reportSources = int(value(), 1);
    else if (arg === '--report-ms') o.reportMs = int(value(), 1);
    else if (arg === '--env') {
      const [key, ...rest] = value().split('=');
      if (!key || rest.length === 0) throw new UsageError('--env needs KEY=VALUE');
      o.env[key] = rest.join('=');
    } else if (arg === '--json') o.json = true;
    else if (arg === '--help' || arg === '-h') o.help = true;
    else throw new UsageError(`unknown option ${arg}`);
  }
  return o;
}

/** @param {string[]} argv */
function reproduce(argv) {
  return `npm run abuse -- ${argv.filter((a) => a !== '--json').join(' ')}`.trim();
}

/** One scenario: its figures, or the error that stopped it (the others still run). @param {() => Promise<any>} run */
async function attempt(run) {
  try {
    return await run();
  } catch (error) {
    return { error: error instanceof Error ? error.message.slice(0, 500) : String(error) };
  }
}

/** @param {Record<string, any>} results */
function table(results) {
  const lines = [];
  for (const [name, figures] of Object.entries(results)) {
    lines.push(`== ${name}`);
    for (const [key, value] of Object.entries(figures)) {
      if (key === 'rows' && Array.isArray(value)) for (const row of value) lines.push(`  ${JSON.stringify(row)}`);
      else lines.push(`  ${key}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
    }
  }
  return lines.join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  /** @type {ReturnType<typeof parse>} */
  let o;
  try {
    o = parse(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}`);
    process.exit(2);
  }
  if (o.help) {
    process.stdout.write(USAGE);
    return;
  }
  const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);
  const server = await startAbuseServer({ serverDir: o.serverDir, backend: o.backend, env: o.env, log });
  /** @type {Record<string, any>} */
  const results = {};
  try {
    log('abuse: (a) group flood');
    const flood = await attempt(() => groupFlood(server, { groups: o.groups }));
    const { attacker: _a, victim, ...groups } = flood;
    results.a_groupFlood = groups;
    log('abuse: (b) logins vs a download');
    results.b_loginStall = victim
      ? await attempt(() => loginStall(server, { logins: o.logins, victim }))
      : { error: 'no victim (a failed)' };
    const hoarder = await register(server.baseUrl, 'hoarder');
    const conversationId = await ownGroup(server, hoarder);
    log('abuse: (c) sockets');
    const hoard = await attempt(() => socketHoard(server, { authSockets: o.authSockets, anonSockets: o.anonSockets, user: hoarder }));
    results.c_sockets = hoard.figures ?? hoard;
    log('abuse: (d) message flood');
    const sockets = /** @type {import('ws').WebSocket[]} */ (hoard.sockets ?? []);
    for (const ws of sockets.slice(o.floodSockets)) ws.terminate();
    results.d_messageFlood = await attempt(() =>
      messageFlood(server, { sockets: sockets.slice(0, o.floodSockets), conversationId, perSocket: o.floodPerSocket }),
    );
    log('abuse: (e) unattached uploads');
    results.e_uploads = await attempt(() => uploadHoard(server, { uploads: o.uploads, sizeMiB: o.uploadMiB, user: hoarder }));
    log(`abuse: (f) slow bodies (up to ${o.slowWait} s)`);
    results.f_slowBodies = await attempt(() => slowBodies(server, { count: o.slow, waitSeconds: o.slowWait }));
    log('abuse: (g) error-report flood');
    results.g_errorReports = await attempt(() => errorReportFlood(server, { sources: o.reportSources, ms: o.reportMs }));
  } finally {
    await server.stop();
  }
  const output = { serverDir: o.serverDir, backend: o.backend, reproduce: reproduce(argv), results };
  if (o.json) process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  else process.stdout.write(`${table(results)}\n\nreproduce: ${output.reproduce}\n`);
  const failed = Object.values(results).filter((r) => r && typeof r === 'object' && 'error' in r);
  process.exitCode = failed.length > 0 ? 1 : 0;
}

await main();
