/**
 * The built web app for browser tests: `apps/web/dist`, rebuilt with Vite's build API when it is
 * missing or older than any source it is made from (the app, and the packages it bundles). Test
 * files may run in parallel, so the build runs under a lock directory; the others wait for it.
 */
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const webRoot = fileURLToPath(new URL('../../', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const WEB_DIST = join(webRoot, 'dist');
const SOURCES = [
  join(webRoot, 'src'),
  join(webRoot, 'public'),
  join(webRoot, 'index.html'),
  join(webRoot, 'vite.config.ts'),
  join(webRoot, 'build'),
  ...['protocol', 'client', 'react'].map((pkg) => join(repoRoot, 'packages', pkg, 'src')),
];
const LOCK = join(tmpdir(), `herald-web-build-${Buffer.from(webRoot).toString('hex').slice(-24)}.lock`);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

function isFresh(): boolean {
  const index = join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  return SOURCES.every((source) => newestMtime(source) <= built);
}

/** Vitest sets NODE_ENV=test, which Vite would bake into the bundle (React's development build): build as production. */
async function productionBuild(): Promise<void> {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: webRoot, configFile: join(webRoot, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = previous;
  }
}

/** Make sure dist is built and current; returns its path. */
export async function ensureWebBuild(timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (isFresh()) return WEB_DIST;
    let locked = false;
    try {
      mkdirSync(LOCK);
      locked = true;
    } catch {
      // Another test file is building: wait for its lock to go (a stale lock older than 2 min is taken over).
      const age = existsSync(LOCK) ? Date.now() - statSync(LOCK).mtimeMs : 0;
      if (age > 120_000) rmdirSync(LOCK);
    }
    if (locked) {
      try {
        if (!isFresh()) await productionBuild();
        return WEB_DIST;
      } finally {
        rmdirSync(LOCK);
      }
    }
    if (Date.now() > deadline) throw new Error('timed out waiting for the web build lock');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
