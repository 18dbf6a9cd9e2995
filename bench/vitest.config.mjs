/**
 * Vitest config for running the bench's own tests from this workspace (`npm test -w @herald/bench`).
 * The root config should also include `bench/test/**\/*.test.ts` so `npm test` runs them.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['test/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 120_000, pool: 'forks' },
});
