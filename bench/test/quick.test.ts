/**
 * Smoke test of the benchmark: `--quick` runs against Herald, Socket.IO and raw ws and every
 * message reaches every recipient. It never asserts a speed (the machine may be busy).
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

describe('bench --quick', () => {
  beforeAll(async () => {
    await run('npx', ['tsc', '-b', 'packages/protocol/tsconfig.build.json', 'packages/server/tsconfig.build.json'], { cwd: repoRoot });
  }, 120_000);

  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('runs every scenario on every server and delivers every message', async () => {
    await run(process.execPath, ['bench/src/cli.mjs', '--quick', '--out', outDir], {
      cwd: repoRoot,
      timeout: 170_000,
      maxBuffer: 16 * 2 ** 20,
    });
    const results = JSON.parse(readFileSync(join(outDir, 'quick-latest.json'), 'utf8')) as { targets: TargetResult[] };
    const byName = new Map(results.targets.map((t) => [t.name, t]));
    const required = ['herald-sqlite', 'socketio', 'raw-ws', ...(isCi ? ['herald-postgres'] : [])];
    for (const name of ['herald-sqlite', 'herald-postgres', 'socketio', 'raw-ws']) {
      const target = byName.get(name);
      expect(target, name).toBeDefined();
      if (!target || (target.error && !required.includes(name))) continue;
      expect(target.error, name).toBeUndefined();
      if (name !== 'herald-postgres') expect(target.idle, name).toMatchObject({ failures: 0 });
      expect(target.fanout?.error, name).toBeUndefined();
      expect(target.fanout?.steps.length, name).toBeGreaterThan(0);
      for (const step of target.fanout?.steps ?? [])
        expect(step, `${name} fan-out ${step.rate} msg/s`).toMatchObject({ missing: 0, duplicates: 0 });
      expect(target.chat?.error, name).toBeUndefined();
      expect(target.chat?.published, name).toBeGreaterThan(0);
      expect(target.chat, name).toMatchObject({ missing: 0, duplicates: 0 });
      expect(target.serverErrors?.count ?? 0, `${name}: ${target.serverErrors?.first}`).toBe(0);
    }
  }, 180_000);
});
