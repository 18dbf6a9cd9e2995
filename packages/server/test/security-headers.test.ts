/**
 * Browser-facing HTTP hardening, against a real server per database: the security headers on every
 * kind of response (HTML, asset, API JSON, error, file download by header and by signed link), HSTS
 * only over TLS, no source maps in production, and access logs without file-link signatures
 * (captured from the server's own pino logger while a signed link is downloaded).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FileInfo } from '@herald/protocol';
import {
  ApiClient,
  dropPostgresSchema,
  makePng,
  PG_URL,
  postgresAvailable,
  startTestServer,
  TEST_JWT_SECRET,
  uniqueSchemaName,
} from '@herald/testkit';
import Fastify from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED, redactUrl } from '../src/http/log-redaction.js';
import { CSP_DIRECTIVES, HSTS_VALUE, installSecurityHeaders } from '../src/http/security-headers.js';
import { createHeraldServer, type HeraldServer, loadConfig } from '../src/index.js';

const hasPostgres = await postgresAvailable();

/** A fake built web app: index.html, one script and its source map. */
function makeWebDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-web-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Herald</title><script type="module" src="/assets/app-abc123.js"></script>');
  writeFileSync(join(dir, 'assets', 'app-abc123.js'), 'console.log("hi")\n');
  writeFileSync(join(dir, 'assets', 'app-abc123.js.map'), '{"version":3,"sources":["src/secret-source.ts"],"mappings":""}');
  return dir;
}

/** The headers every response must carry over plain http. */
function expectSecurityHeaders(headers: Headers, what: string): void {
  const csp = headers.get('content-security-policy');
  expect(csp, `${what}: CSP`).not.toBeNull();
  const directives = new Map(
    (csp ?? '')
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([n, ...v]) => [n, v]),
  );
  for (const [name, values] of Object.entries(CSP_DIRECTIVES)) expect(directives.get(name), `${what}: ${name}`).toEqual([...values]);
  expect(directives.has('upgrade-insecure-requests'), `${what}: no upgrade-insecure-requests`).toBe(false);
  expect(headers.get('x-content-type-options'), `${what}: nosniff`).toBe('nosniff');
  expect(headers.get('referrer-policy'), `${what}: Referrer-Policy`).toBe('same-origin');
  expect(headers.get('x-frame-options'), `${what}: X-Frame-Options`).toBe('DENY');
  expect(headers.get('strict-transport-security'), `${what}: no HSTS over http`).toBeNull();
}

/** A Herald server whose log lines (JSON, level info) are collected in `lines`. */
async function startLoggedServer(database: 'sqlite' | 'postgres', webDir: string) {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-test-'));
  const schema = database === 'postgres' ? uniqueSchemaName() : undefined;
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    HERALD_DATA_DIR: dataDir,
    HERALD_JWT_SECRET: TEST_JWT_SECRET,
    HERALD_LOGIN_RATE_LIMIT: '10000',
    HERALD_WEB_DIR: webDir,
    ...(schema ? { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema } : {}),
  });
  const server: HeraldServer = await createHeraldServer({ config, logger: pino({ level: 'info' }, destination) });
  const url = (await server.listen()).replace('localhost', '127.0.0.1');
  return {
    server,
    url,
    lines,
    async destroy() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) await dropPostgresSchema(PG_URL, schema);
    },
  };
}

for (const database of ['sqlite', 'postgres'] as const) {
  describe.skipIf(database === 'postgres' && !hasPostgres)(`security headers and access logs on ${database}`, () => {
    const webDir = makeWebDir();
    let logged: Awaited<ReturnType<typeof startLoggedServer>>;
    let api: ApiClient;

    beforeAll(async () => {
      logged = await startLoggedServer(database, webDir);
      api = new ApiClient(logged.url);
    });

    afterAll(async () => {
      await logged?.destroy();
      rmSync(webDir, { recursive: true, force: true });
    });

    async function uploadPng(token: string): Promise<FileInfo> {
      const form = new FormData();
      form.append('file', new Blob([makePng(4, 4)], { type: 'image/png' }), 'pixel.png');
      const response = await fetch(`${logged.url}/api/v1/files/upload`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { file: FileInfo }).file;
    }

    it('sends the CSP, nosniff, Referrer-Policy and frame protection on every response, and no HSTS over http', async () => {
      const alice = await api.register('Alice');
      const file = await uploadPng(alice.accessToken);
      const link = await api.request<{ url: string }>('POST', `/api/v1/files/${file.id}/link`, { token: alice.accessToken });
      expect(link.status).toBe(200);

      const cases: [string, string, RequestInit?][] = [
        ['HTML', '/'],
        ['client-side route', '/chat'],
        ['script asset', '/assets/app-abc123.js'],
        ['API JSON', '/api/v1/health'],
        ['API error', '/api/v1/auth/me'],
        ['unknown API path', '/api/v1/nope'],
        ['file by header', `/api/v1/files/${file.id}`, { headers: { authorization: `Bearer ${alice.accessToken}` } }],
        ['file by signed link', link.body.url],
      ];
      for (const [what, path, init] of cases) {
        const response = await fetch(`${logged.url}${path}`, init);
        await response.arrayBuffer();
        expectSecurityHeaders(response.headers, what);
      }

      // The downloads keep their own headers alongside the policy.
      for (const init of [{ headers: { authorization: `Bearer ${alice.accessToken}` } }, undefined]) {
        const response = await fetch(`${logged.url}${init ? `/api/v1/files/${file.id}` : link.body.url}`, init);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/png');
        expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="pixel.png"/);
        expect(response.headers.get('cache-control')).toBe('private, max-age=600');
        expect(Buffer.from(await response.arrayBuffer()).equals(makePng(4, 4))).toBe(true);
      }
      // The web app's own cache headers too.
      expect((await fetch(`${logged.url}/assets/app-abc123.js`)).headers.get('cache-control')).toMatch(/immutable/);
      expect((await fetch(`${logged.url}/chat`)).headers.get('cache-control')).toBe('no-cache');
    });

    it('logs signed-link downloads with the signature redacted', async () => {
      const bob = await api.register('Bob');
      const file = await uploadPng(bob.accessToken);
      const link = await api.request<{ url: string }>('POST', `/api/v1/files/${file.id}/link`, { token: bob.accessToken });
      const signature = new URL(link.body.url, logged.url).searchParams.get('sig');
      expect(signature).toMatch(/^[\w-]{20,}$/);
      const response = await fetch(`${logged.url}${link.body.url}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();

      // The request was logged (with its redacted URL), and the signature appears nowhere in the log.
      const requestLines = logged.lines
        .map((line) => JSON.parse(line) as { msg?: string; req?: { url?: string } })
        .filter((line) => line.req?.url?.startsWith(`/api/v1/files/${file.id}?`));
      expect(requestLines.length).toBeGreaterThan(0);
      for (const line of requestLines) {
        expect(line.req?.url).toContain(`sig=${REDACTED}`);
        expect(line.req?.url).toContain(`uid=${bob.user.id}`);
      }
      expect(logged.lines.join('')).not.toContain(signature);
      expect(logged.lines.join('')).not.toContain(encodeURIComponent(signature ?? ''));
    });
  });
}

describe('source maps', () => {
  const webDir = makeWebDir();
  afterAll(() => rmSync(webDir, { recursive: true, force: true }));

  it('are not served in production, and are outside it (so the check can fail)', async () => {
    const production = await startTestServer({ env: { NODE_ENV: 'production', HERALD_WEB_DIR: webDir } });
    const development = await startTestServer({ env: { HERALD_WEB_DIR: webDir } });
    try {
      const hidden = await fetch(`${production.url}/assets/app-abc123.js.map`);
      expect(hidden.status).toBe(404);
      expect(await hidden.text()).not.toContain('secret-source');
      // The script itself is still served in production.
      expect((await fetch(`${production.url}/assets/app-abc123.js`)).status).toBe(200);
      const shown = await fetch(`${development.url}/assets/app-abc123.js.map`);
      expect(shown.status).toBe(200);
      expect(await shown.text()).toContain('secret-source');
    } finally {
      await production.destroy();
      await development.destroy();
    }
  });

  it('are built hidden: the bundle does not name its map', () => {
    const config = readFileSync(new URL('../../../apps/web/vite.config.ts', import.meta.url), 'utf8');
    expect(config).toMatch(/sourcemap:\s*'hidden'/);
  });
});

describe('HSTS', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'herald-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is sent on requests that came over TLS, with the rest of the policy', async () => {
    const key = readFileSync(join(dir, 'key.pem'));
    const cert = readFileSync(join(dir, 'cert.pem'));
    const app = Fastify({ https: { key, cert } });
    await installSecurityHeaders(app as unknown as Parameters<typeof installSecurityHeaders>[0]);
    app.get('/', async () => ({ ok: true }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const headers = await new Promise<Record<string, string | string[] | undefined>>((resolve, reject) => {
        const req = httpsRequest(url, { ca: cert }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.headers));
        });
        req.on('error', reject);
        req.end();
      });
      expect(headers['strict-transport-security']).toBe(HSTS_VALUE);
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['x-content-type-options']).toBe('nosniff');
    } finally {
      await app.close();
    }
  });
});

describe('redactUrl', () => {
  it('replaces credential query values, keeps the rest as sent', () => {
    expect(redactUrl('/api/v1/files/f1?uid=u1&exp=123&sig=abc-DEF_0')).toBe(`/api/v1/files/f1?uid=u1&exp=123&sig=${REDACTED}`);
    expect(redactUrl('/x?SIG=a&s%69g=b&token=c&q=hello%20world')).toBe(
      `/x?SIG=${REDACTED}&s%69g=${REDACTED}&token=${REDACTED}&q=hello%20world`,
    );
    expect(redactUrl('/x?sig')).toBe(`/x?sig=${REDACTED}`);
    expect(redactUrl('/plain/path')).toBe('/plain/path');
    expect(redactUrl('/x?a=1&b=2')).toBe('/x?a=1&b=2');
  });
});
