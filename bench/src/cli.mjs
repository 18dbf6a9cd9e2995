/**
 * `npm run bench [-- options]`: one command, one load generator, the same scenarios against
 * Herald (SQLite, and PostgreSQL for B and C), Socket.IO 4, Socket.IO 4 storing every message in
 * PostgreSQL (B and C) and a raw `ws` broadcast server; then one PostgreSQL commit alone, and the
 * cluster scenario (D) with 1 and 2 nodes of Herald and of Socket.IO + Redis adapter.
 * This process is the load generator (pinned to CPU 1); each server is a child process pinned to
 * CPU 0 (scenario D places its nodes itself: scenarios/cluster.mjs). Progress goes to stderr; the
 * Markdown report to stdout; JSON to bench/results/.
 * The options are listed in USAGE (`npm run bench -- --help`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine, USAGE, UsageError } from './command-line.mjs';
import { measureCommitLatency } from './commit-latency.mjs';
import { mainIsolate, summariseGc } from './gc-trace.mjs';
import { summariseStalls } from './loop-stalls.mjs';
import { machineInfo, pinCores } from './machine.mjs';
import { writeDocsSection } from './report/docs-section.mjs';
import { checkGoals } from './report/goals.mjs';
import { renderMarkdown } from './report/markdown.mjs';
import { runChat } from './scenarios/chat.mjs';
import { runCluster } from './scenarios/cluster.mjs';
import { runFanout } from './scenarios/fanout.mjs';
import { runIdle } from './scenarios/idle.mjs';
import { benchPgUrl, heraldTarget, postgresReachable } from './targets/herald.mjs';
import { rawWsTarget } from './targets/raw-ws.mjs';
import { socketIoTarget } from './targets/socketio.mjs';
import { socketIoPostgresTarget } from './targets/socketio-postgres.mjs';
import { pairUp } from './targets/target.mjs';

const benchDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repoRoot = dirname(benchDir);
const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

/** @type {ReturnType<typeof parseCommandLine>} */
let options;
try {
  options = parseCommandLine(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`${error.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

async function main() {
  const { plan, targets: targetNames, scenarios } = options;
  const outDir = options.out ?? join(benchDir, 'results');
  const profileDir = options.profile ? join(outDir, 'profiles') : undefined;
  const pgUrl = benchPgUrl();
  const machine = machineInfo();
  const pinning = pinCores(options.pin);
  const pairs = pairUp(plan.chatClients / 2, plan.users);
  const layout = { users: plan.users, fanoutMembers: plan.fanoutMembers, pairs };
  const args = process.argv.slice(2);
  const run = {
    command: `npm run bench${args.length ? ` -- ${args.join(' ')}` : ''}`,
    startedAt: new Date().toISOString(),
    elapsedSeconds: 0,
    machine,
    pinning,
    note: options.note,
    plan,
    /** @type {any[]} */
    targets: [],
    /** @type {any[]} */
    goals: [],
    /** @type {import('./results.mjs').RunResult['commit']} */
    commit: undefined,
    /** @type {import('./results.mjs').ClusterResult | undefined} */
    cluster: undefined,
  };
  /** Targets that need PostgreSQL: skipped with a note when it does not answer. */
  const onPostgres = new Set(['herald-postgres', 'socketio-postgres']);
  const pgUp = targetNames.some((name) => onPostgres.has(name)) ? await postgresReachable(pgUrl) : false;
  const started = performance.now();
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  // Before any server runs, so the commit is timed on a quiet PostgreSQL.
  if (targetNames.some((name) => onPostgres.has(name))) {
    if (!pgUp) run.commit = { error: `PostgreSQL is not reachable at ${pgUrl}` };
    else {
      log(`== one commit alone: ${plan.commitSamples} of each shape`);
      try {
        const commit = await measureCommitLatency(pgUrl, plan.commitSamples);
        run.commit = commit;
        log(`  p50 ${commit.statement.p50} ms, p99 ${commit.statement.p99} ms (autocommit INSERT)`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        run.commit = { error: message };
        log(`!! commit probe failed: ${message}`);
      }
    }
  }

  for (const name of targetNames) {
    // A target with nothing to run here (e.g. `--scenarios cluster`) is not started at all.
    const own = ['fanout', 'chat', ...(onPostgres.has(name) ? [] : ['idle'])];
    if (!own.some((scenario) => scenarios.has(scenario))) continue;
    const target =
      name === 'socketio'
        ? socketIoTarget({ cpus: pinning.server, loopStalls: options.loopStalls })
        : name === 'socketio-postgres'
          ? socketIoPostgresTarget({ cpus: pinning.server, pgUrl, loopStalls: options.loopStalls })
          : name === 'raw-ws'
            ? rawWsTarget({ cpus: pinning.server, loopStalls: options.loopStalls })
            : heraldTarget({
                database: name === 'herald-postgres' ? 'postgres' : 'sqlite',
                cpus: pinning.server,
                repoRoot,
                pgUrl,
                profileDir,
                gcTrace: options.gcTrace,
                loopStalls: options.loopStalls,
                log,
              });
    /** @type {Record<string, any>} */
    const entry = { name, label: target.label };
    run.targets.push(entry);
    if (onPostgres.has(name) && !pgUp) {
      entry.error = `PostgreSQL is not reachable at ${pgUrl} (set HERALD_BENCH_PG_URL)`;
      entry.skipped = true;
      log(`!! skipping ${target.label}: ${entry.error}`);
      continue;
    }
    log(`== ${target.label}`);
    try {
      await target.start(layout);
      /**
       * Runs one scenario; under --gc-trace adds what the collector did meanwhile, under
       * --loop-stalls how the server's event loop was held. @param {string} scenario @param {() => Promise<any>} run
       */
      const measure = async (scenario, run) => {
        const from = target.gcEvents?.().length ?? 0;
        const began = performance.now();
        const beganAt = Date.now();
        const result = await run();
        const events = target.gcEvents?.();
        if (events && options.gcTrace) {
          result.gc = summariseGc(events.slice(from), mainIsolate(events), (performance.now() - began) / 1000);
          log(`  ${scenario} gc: ${JSON.stringify(result.gc)}`);
        }
        const stalls = target.stallEvents?.();
        if (stalls && options.loopStalls) {
          // Not `loopStalls`: a window's own figures (a fan-out step's, the chat's median round's) go by that name.
          result.scenarioLoopStalls = summariseStalls(stalls, beganAt, Date.now());
          log(`  ${scenario} loop stalls (whole scenario, connecting included): ${JSON.stringify(result.scenarioLoopStalls)}`);
        }
        return result;
      };
      if (scenarios.has('idle') && !onPostgres.has(name)) {
        log(`  idle: ${plan.idleConnections} connections`);
        entry.idle = await measure('idle', () => runIdle(target, plan));
        log(`  idle: ${entry.idle.connectPerSec} conn/s, ${entry.idle.rssPerConnectionKiB} KiB/conn`);
      }
      if (scenarios.has('fanout')) {
        log(`  fan-out: ${plan.fanoutSubscribers} subscribers`);
        entry.fanout = await measure('fan-out', () => runFanout(target, plan, log));
      }
      if (scenarios.has('chat')) {
        log(`  chat: ${plan.chatClients} clients`);
        entry.chat = await measure('chat', () => runChat(target, plan, pairs));
        log(`  chat: p99 ${entry.chat.latencyMs?.p99} ms, missing ${entry.chat.missing}, server ${entry.chat.serverCpuPercent}% cpu`);
      }
      entry.serverErrors = target.errors();
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
      log(`!! ${target.label} failed: ${entry.error}`);
    } finally {
      await target.stop();
    }
  }

  // Scenario D: Herald's cluster when herald-postgres is a target, Socket.IO's when socketio is.
  if (scenarios.has('cluster')) {
    /** @type {Array<'herald' | 'socketio'>} */
    const systems = [];
    if (targetNames.includes('herald-postgres')) systems.push('herald');
    if (targetNames.includes('socketio')) systems.push('socketio');
    if (systems.length === 0)
      run.cluster = { skipped: 'neither herald-postgres nor socketio is among the targets', placement: undefined, runs: [] };
    else {
      try {
        run.cluster = await runCluster({
          systems,
          plan,
          layout,
          pinning,
          pin: options.pin,
          repoRoot,
          pgUrl,
          loopStalls: options.loopStalls,
          log,
        });
        if (run.cluster.skipped) log(`!! skipping the cluster scenario: ${run.cluster.skipped}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        run.cluster = { error: message, placement: undefined, runs: [] };
        log(`!! cluster scenario failed: ${message}`);
      }
    }
  }

  run.elapsedSeconds = Math.round((performance.now() - started) / 1000);
  run.goals = checkGoals(Object.fromEntries(run.targets.map((t) => [t.name, t])), { commit: run.commit, cluster: run.cluster });
  const markdown = renderMarkdown(run);
  process.stdout.write(markdown);
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, `${plan.name}-latest.json`), `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(join(outDir, `${plan.name}-latest.md`), markdown);
  if (options.docs) writeDocsSection(join(repoRoot, 'docs', 'performance.md'), markdown);
  log(`results: ${join(outDir, `${plan.name}-latest.json`)}`);
  const clusterFailed = Boolean(run.cluster?.error || run.cluster?.runs.some((r) => r.error));
  return clusterFailed || run.targets.some((t) => t.error && !t.skipped && t.name !== 'herald-postgres') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
