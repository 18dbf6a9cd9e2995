/** The bench runs Herald as `npm start` does: with the Node flags of the root start script. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { startNodeFlags } from '../src/targets/herald.mjs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const repoWithStart = (start: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-start-flags-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { start } }));
  return dir;
};

it("reads the repository's own start script", () => {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  expect(startNodeFlags(root)).toEqual(['--single-threaded-gc']);
});

it('takes every flag between node and the server entry, and none when there are none', () => {
  expect(startNodeFlags(repoWithStart('npm run build && node --a --b=2 packages/server/dist/main.js'))).toEqual(['--a', '--b=2']);
  expect(startNodeFlags(repoWithStart('node packages/server/dist/main.js'))).toEqual([]);
});

it('refuses a start script it cannot read rather than run Herald differently', () => {
  expect(() => startNodeFlags(repoWithStart('tsx packages/server/src/main.ts'))).toThrow(/does not end in/);
});
