#!/usr/bin/env node
/**
 * Build the web app (apps/web/dist) with Vite unless it is already built. `npm run build` and
 * `npm start` call this, so a fresh clone serves the app at once and a rebuild is not forced on
 * every start. `--force` always builds (or run `npm run build -w @herald/web`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const index = fileURLToPath(new URL('../dist/index.html', import.meta.url));

if (existsSync(index) && !process.argv.includes('--force')) {
  console.log('web app already built (apps/web/dist); `npm run build -w @herald/web` rebuilds it');
} else {
  const { build } = await import('vite');
  await build({ root, configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)), mode: 'production', logLevel: 'warn' });
  console.log('web app built: apps/web/dist');
}
