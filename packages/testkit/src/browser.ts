/**
 * Headless Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser build), with a fresh profile per launch and the flags this sandbox needs (no
 * background networking: only loopback is reachable). Plus a tiny static file server on 127.0.0.1,
 * because pages need a real origin (WebSocket Origin checks, IndexedDB).
 * playwright-core is loaded lazily, so importing the testkit costs nothing for suites without a browser.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { serviceAvailable } from './services.js';

export const CHROMIUM_PATH = process.env.HERALD_CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** True when Chromium is installed; otherwise skips loudly (or, with CI=true, fails). */
export function chromiumAvailable(): Promise<boolean> {
  return serviceAvailable('Chromium', async () => {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found (apt-get install -y chromium)`);
  });
}

export interface BrowserSession {
  /** A persistent context on a fresh, temporary profile (so reloads keep IndexedDB). */
  readonly context: BrowserContext;
  /** Close the browser and delete the profile. */
  close(): Promise<void>;
}

/** Launch headless Chromium on a fresh profile. */
export async function launchBrowser(): Promise<BrowserSession> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'herald-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface StaticFile {
  body: string | Uint8Array;
  type: string;
}

export interface StaticServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  close(): Promise<void>;
}

/** Serve fixed files (path -> content) on 127.0.0.1 and an ephemeral port; anything else is 404. */
export async function serveStatic(files: Record<string, StaticFile>): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const file = files[(request.url ?? '/').split('?')[0] ?? '/'];
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('static server did not bind a TCP port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
