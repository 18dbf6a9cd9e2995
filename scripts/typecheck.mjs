#!/usr/bin/env node
/**
 * Typecheck every TypeScript project in the repo: the root project (Node packages) and each
 * package or app that has its own tsconfig.json (those needing DOM/JSX settings, and bench).
 * Exits non-zero if any project fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const projects = ['tsconfig.json'];
for (const dir of ['packages', 'apps']) {
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir)) {
    const config = join(dir, name, 'tsconfig.json');
    if (existsSync(config)) projects.push(config);
  }
}
if (existsSync('bench/tsconfig.json')) projects.push('bench/tsconfig.json');

let failed = false;
for (const project of projects) {
  const result = spawnSync('npx', ['tsc', '-p', project], { stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`typecheck failed: ${project}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
