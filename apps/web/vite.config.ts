/**
 * Vite config of the web app. `@herald/*` resolve to their TypeScript sources, so building the app
 * needs no package build first. The dev server (port 5173) proxies the API, the socket and the
 * metrics to the Herald server on port 8000 (HERALD_DEV_API to point elsewhere).
 */
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './build/precompress';

const src = (pkg: string) => fileURLToPath(new URL(`../../packages/${pkg}/src/index.ts`, import.meta.url));
const api = process.env.HERALD_DEV_API ?? 'http://localhost:8000';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), tailwindcss(), precompress()],
  resolve: {
    alias: {
      '@herald/protocol': src('protocol'),
      // Before '@herald/client', which would otherwise match the subpath as a prefix.
      '@herald/client/state': fileURLToPath(new URL('../../packages/client/src/state/index.ts', import.meta.url)),
      '@herald/client/shared': fileURLToPath(new URL('../../packages/client/src/shared/index.ts', import.meta.url)),
      '@herald/client': src('client'),
      '@herald/react': src('react'),
    },
  },
  // /login loads the entry, the vendor chunk and the dictionary of its language (~114 KB gzipped with the
  // CSS; apps/web/test/first-load-size.test.ts holds it under 120 KB); the signed-in shell, chat, admin,
  // settings, the REST client with zod and the contract, and the other dictionary are chunks of their
  // own, loaded when first needed.
  // Source maps are written for the operator (e.g. to read a client error report's stack) but hidden:
  // the bundle does not name them, and the server does not serve `*.map` in production.
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: 'hidden',
    chunkSizeWarningLimit: 500,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // The libraries of the first load (React, react-dom, the router, sonner) in a chunk of their
            // own, whose hash changes only when they do: a release that changes only app code leaves
            // browsers' cached copy valid. `$initial` (statically imported from the entry) keeps
            // libraries only lazy pages use (zod, the virtualiser) out of it, and so out of the first load.
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, tags: ['$initial'] },
          ],
        },
      },
    },
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': { target: api, changeOrigin: false },
      '/ws': { target: api.replace(/^http/, 'ws'), ws: true },
      '/metrics': { target: api },
    },
  },
});
