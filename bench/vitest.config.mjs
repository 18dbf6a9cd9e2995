/**
 * Vitest config for running the bench's own tests from this workspace (`npm test -w @herald/bench`).
 * The root config should also include `bench/test/**\/*.test.ts` so `npm test` runs them.
 * Herald's packages resolve to their sources, as in the root config, so tests that import them
 * (store-append) need no build; the smoke test builds the server it runs as a process.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (/** @type {string} */ pkg) => fileURLToPath(new URL(`../packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: { alias: { '@herald/protocol': src('protocol'), '@herald/server': src('server'), '@herald/testkit': src('testkit') } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, pool: 'forks' },
});
