/**
 * The server serves the built web app on its own origin, with client-side routes falling back to
 * index.html, while API paths keep their JSON 404s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '@herald/testkit';
import { afterAll, expect, it } from 'vitest';

const webDir = mkdtempSync(join(tmpdir(), 'herald-web-'));
mkdirSync(join(webDir, 'assets'));
writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Herald</title><div id="root"></div>');
writeFileSync(join(webDir, 'assets', 'app-abc123.js'), 'console.log("hi")');
const server = await startTestServer({ env: { HERALD_WEB_DIR: webDir } });
afterAll(async () => {
  await server.destroy();
  rmSync(webDir, { recursive: true, force: true });
});

it('serves index.html at / and for client-side routes, assets with long caching', async () => {
  for (const path of ['/', '/chat', '/admin', '/login?next=%2Fchat']) {
    const response = await fetch(`${server.url}${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('<title>Herald</title>');
  }
  const asset = await fetch(`${server.url}/assets/app-abc123.js`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get('cache-control')).toMatch(/immutable/);
});

it('keeps JSON 404s for unknown API paths', async () => {
  const response = await fetch(`${server.url}/api/v1/nope`);
  expect(response.status).toBe(404);
  expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
});

it('says how to build the app when there is none', async () => {
  const bare = await startTestServer({ env: { HERALD_WEB_DIR: join(webDir, 'missing') } });
  try {
    const response = await fetch(`${bare.url}/`);
    expect(await response.text()).toMatch(/not built/);
  } finally {
    await bare.destroy();
  }
});
