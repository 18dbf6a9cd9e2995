/**
 * Smoke test of the benchmark: `--quick` runs against Herald, Socket.IO (plain and storing in
 * PostgreSQL) and raw ws, times one commit, runs the cluster scenario (1 and 2 nodes of Herald and
 * of Socket.IO + Redis), and every message reaches every recipient. It never asserts a speed (the
 * machine may be busy). What needs PostgreSQL or redis-server may be skipped (with a note in the
 * results) except on CI, where it must run.
 * Builds the server first (a fresh clone has no packages/server/dist), as `npm run bench` does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const outDir = mkdtempSync(join(tmpdir(), 'herald-bench-smoke-'));
const isCi = process.env.CI === 'true' || process.env.CI === '1';

interface Step {
  rate: number;
  missing: number;
  duplicates: number;
}
interface TargetResult {
  name: string;
  error?: string;
  idle?: { connections: number; failures: number };
  fanout?: { error?: string; steps: Step[] };
  chat?: { error?: string; missing: number; duplicates: number; published: number };
  serverErrors?: { count: number; first?: string };
}
interface Times {
  samples: number;
  p50: number;
  p99: number;
}
interface RunResult {
  targets: TargetResult[];
  commit?: { statement: Times; transaction: Times } | { error: string };
  cluster?: { skipped?: string; error?: string; placement?: { pinned: boolean }; runs: Array<TargetResult & { nodes: number }> };
  goals: Array<{ goal: string }>;
}

/** Every message of every fan-out step and of the chat arrived once, and the server sent no error. */
function expectComplete(target: TargetResult, name: string) {
  expect(target.error, name).toBeUndefined();
  expect(target.fanout?.steps.length, name).toBeGreaterThan(0);
  for (const step of target.fanout?.steps ?? [])
    expect(step, `${name} fan-out ${step.rate} msg/s`).toMatchObject({ missing: 0, duplicates: 0 });
  expect(target.chat?.published, name).toBeGreaterThan(0);
  expect(target.chat, name).toMatchObject({ missing: 0, duplicates: 0 });
  expect(target.serverErrors?.count ?? 0, `${name}: ${target.serverErrors?.first}`).toBe(0);
}

describe('bench --quick', () => {
  beforeAll(async () => {
    await run('npx', ['tsc', '-b', 'packages/protocol/tsconfig.build.json', 'packages/server/tsconfig.build.json'], { cwd: repoRoot });
  }, 120_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs every scenario on every server and delivers every message', async () => {
    await run(process.execPath, ['bench/src/cli.mjs', '--quick', '--out', outDir], {
      cwd: repoRoot,
      timeout: 260_000,
      maxBuffer: 16 * 2 ** 20,
    });
    const results = JSON.parse(readFileSync(join(outDir, 'quick-latest.json'), 'utf8')) as RunResult;
    const byName = new Map(results.targets.map((t) => [t.name, t]));
    const onPostgres = ['herald-postgres', 'socketio-postgres'];
    const required = ['herald-sqlite', 'socketio', 'raw-ws', ...(isCi ? onPostgres : [])];
    for (const name of ['herald-sqlite', 'herald-postgres', 'socketio', 'socketio-postgres', 'raw-ws']) {
      const target = byName.get(name);
      expect(target, name).toBeDefined();
      if (!target || (target.error && !required.includes(name))) {
        console.warn(`!! bench smoke: ${name} did not run here: ${target?.error}`);
        continue;
      }
      if (!onPostgres.includes(name)) expect(target.idle, name).toMatchObject({ failures: 0 });
      expectComplete(target, name);
    }

    // One commit alone: measured whenever PostgreSQL answered (always on CI).
    const commit = results.commit;
    expect(commit, 'commit probe').toBeDefined();
    if (commit && 'statement' in commit) {
      expect(commit.statement).toMatchObject({ samples: 200 });
      expect(commit.statement.p99).toBeGreaterThanOrEqual(commit.statement.p50);
      expect(commit.statement.p50).toBeGreaterThan(0);
    } else {
      expect(isCi, `commit probe failed on CI: ${commit?.error}`).toBe(false);
      console.warn(`!! bench smoke: commit probe did not run here: ${commit?.error}`);
    }

    // Scenario D: four runs (Herald and Socket.IO + Redis, 1 and 2 nodes), every message delivered.
    const cluster = results.cluster;
    expect(cluster, 'cluster scenario').toBeDefined();
    expect(cluster?.error, 'cluster scenario').toBeUndefined();
    if (cluster?.skipped) {
      expect(isCi, `cluster scenario skipped on CI: ${cluster.skipped}`).toBe(false);
      console.warn(`!! bench smoke: cluster scenario did not run here: ${cluster.skipped}`);
    } else {
      expect(cluster?.runs.map((r) => r.name)).toEqual(['herald-cluster-1', 'herald-cluster-2', 'socketio-redis-1', 'socketio-redis-2']);
      for (const clusterRun of cluster?.runs ?? []) expectComplete(clusterRun, clusterRun.name);
    }

    // The targets are all in the report, met or not.
    const goals = results.goals.map((g) => g.goal).join('\n');
    for (const goal of ['durable peer', 'above Socket.IO', 'cluster chat p99', 'cluster fan-out']) expect(goals).toContain(goal);
  }, 270_000);
});
