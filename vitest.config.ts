import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));
const clientState = fileURLToPath(new URL('./packages/client/src/state/index.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@herald/protocol': src('protocol'),
      '@herald/server': src('server'),
      '@herald/testkit': src('testkit'),
      // Before '@herald/client', which would otherwise match the subpath as a prefix.
      '@herald/client/state': clientState,
      '@herald/client/shared': fileURLToPath(new URL('./packages/client/src/shared/index.ts', import.meta.url)),
      '@herald/client': src('client'),
      '@herald/react': src('react'),
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.{ts,tsx}',
      'packages/*/test/**/*.test.{ts,tsx}',
      'apps/*/src/**/*.test.{ts,tsx}',
      'apps/*/test/**/*.test.ts',
      'bench/test/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most integration files wait on sockets, servers and browsers more than they compute, so two
    // files at once even on a 2-core machine (vitest's default there is one). Three on 2 cores was
    // tried: no faster, and the timing checks (slow-body clients, Redis outage) failed.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
