#!/usr/bin/env node
/**
 * `npm run dev`: the whole product with hot reload. Builds protocol + server once, then runs
 * `tsc -b --watch` (server sources → dist), the server under `node --watch` on port 8000 (restarts
 * when dist changes), and Vite's dev server on http://localhost:5173 (proxies /api, /ws, /metrics to
 * the server). Ctrl+C stops all three.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const projects = ['packages/protocol/tsconfig.build.json', 'packages/server/tsconfig.build.json'];
const tsc = fileURLToPath(new URL('../../../node_modules/.bin/tsc', import.meta.url));

const first = spawnSync(tsc, ['-b', ...projects], { cwd: repo, stdio: 'inherit' });
if (first.status !== 0) process.exit(first.status ?? 1);

// Each child leads its own process group, so stopping it also stops what it started (tsc's native
// binary behind its launcher, the server behind `node --watch`).
const options = { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'], detached: true };
const children = [
  spawn(tsc, ['-b', '--watch', '--preserveWatchOutput', ...projects], options),
  spawn(process.execPath, ['--watch', 'packages/server/dist/main.js'], options),
];
const killGroup = (child) => {
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // Already gone.
  }
};
process.on('exit', () => children.forEach(killGroup));

const { createServer } = await import('vite');
const vite = await createServer({ configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)) });
await vite.listen();
vite.printUrls();
console.log('  API and socket: http://localhost:8000 (proxied under /api, /ws, /metrics)');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  for (const child of children) killGroup(child);
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('SIGHUP', stop);
for (const child of children) child.on('exit', (code) => !stopping && code !== 0 && console.error(`dev: a child exited with ${code}`));
