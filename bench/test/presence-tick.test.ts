/** The presence micro-benchmark runs, drives real ticks and prints its figures; it never asserts a speed. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = join(dirname(dirname(fileURLToPath(import.meta.url))), 'src', 'presence-tick.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', timeout: 60_000 });

it('prints tick figures and the announcements made for each user count, one bus message per tick at most', () => {
  const result = run('--users', '300,600', '--seconds', '31');
  expect(result.status, result.stderr).toBe(0);
  for (const users of [300, 600]) {
    const line = new RegExp(
      `^${users} users, 310 ticks of 100 ms: tick median [\\d.]+ ms, p90 [\\d.]+ ms, longest [\\d.]+ ms \\(tick \\d+\\); (\\d+) users announced in (\\d+) bus messages in 31 s`,
      'm',
    ).exec(result.stdout);
    expect(line, result.stdout).not.toBeNull();
    // Everyone at the first tick (they just connected), then one full pass (from 15 s to ~30 s),
    // and a few the second pass has reached; never more than one bus message per tick.
    expect(Number(line?.[1])).toBeGreaterThanOrEqual(users * 2);
    expect(Number(line?.[1])).toBeLessThan(users * 2.5);
    expect(Number(line?.[2])).toBeLessThanOrEqual(310);
  }
  expect(result.stdout).toContain('Command: npm run bench:presence -- --users 300,600 --seconds 31');
});

it('refuses a user count that is not a positive integer', () => {
  const result = run('--users', '10,many');
  expect(result.status).not.toBe(0);
  expect(result.stderr).toContain('--users takes positive integers');
});
