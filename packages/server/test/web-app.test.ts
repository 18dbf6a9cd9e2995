/**
 * The server serves the built web app on its own origin, with client-side routes falling back to
 * index.html, while API paths keep their JSON 404s.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { startTestServer } from '@herald/testkit';
import { afterAll, expect, it } from 'vitest';

const webDir = mkdtempSync(join(tmpdir(), 'herald-web-'));
mkdirSync(join(webDir, 'assets'));
writeFileSync(join(webDir, 'index.html'), '<!doctype html><title>Herald</title><div id="root"></div>');
writeFileSync(join(webDir, 'assets', 'app-abc123.js'), 'console.log("hi")');
// A built asset with the precompressed copies the web build writes beside it.
const bundle = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i}`))};\n`;
writeFileSync(join(webDir, 'assets', 'bundle-def456.js'), bundle);
writeFileSync(join(webDir, 'assets', 'bundle-def456.js.br'), brotliCompressSync(bundle));
writeFileSync(join(webDir, 'assets', 'bundle-def456.js.gz'), gzipSync(bundle));
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

it('sends the precompressed copy the browser accepts, brotli first, and the file itself to others', async () => {
  // undici's fetch would decode the body itself; node:http shows what went over the wire.
  const get = (acceptEncoding: string) =>
    new Promise<{
      encoding: string | undefined;
      vary: string | undefined;
      type: string | undefined;
      cache: string | undefined;
      body: Buffer;
    }>((resolve, reject) => {
      const req = request(`${server.url}/assets/bundle-def456.js`, { headers: { 'accept-encoding': acceptEncoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            encoding: res.headers['content-encoding'],
            vary: res.headers.vary,
            type: res.headers['content-type'],
            cache: res.headers['cache-control'],
            body: Buffer.concat(chunks),
          }),
        );
      });
      req.on('error', reject);
      req.end();
    });
  const br = await get('gzip, deflate, br');
  expect(br.encoding).toBe('br');
  expect(br.type).toMatch(/javascript/);
  expect(br.vary).toMatch(/accept-encoding/i);
  expect(br.cache).toMatch(/immutable/);
  expect(brotliDecompressSync(br.body).toString()).toBe(bundle);
  expect(br.body.byteLength).toBeLessThan(Buffer.byteLength(bundle) / 3);

  const gz = await get('gzip');
  expect(gz.encoding).toBe('gzip');
  expect(gunzipSync(gz.body).toString()).toBe(bundle);

  const plain = await get('identity');
  expect(plain.encoding).toBeUndefined();
  expect(plain.body.toString()).toBe(bundle);
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
