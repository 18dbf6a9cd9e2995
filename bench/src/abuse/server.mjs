/**
 * The server under attack for `npm run abuse`: the built `packages/server/dist/main.js` of any
 * Herald tree (`--server-dir`, so the code before the limits can be measured too), started as its
 * own process with production settings and a fresh database, and the HTTP helper every scenario
 * uses (node:http, so a request can come from its own loopback address: 127.0.0.N).
 * Invariants: the server never outlives the script; each run gets its own data directory or
 * PostgreSQL schema, dropped at the end.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { rssBytes } from '../proc-stats.mjs';
import { benchPgUrl, startNodeFlags } from '../targets/herald.mjs';

/**
 * @typedef {object} AbuseServer
 * @property {string} baseUrl
 * @property {string} wsUrl
 * @property {number} pid
 * @property {number} port
 * @property {() => number} rss
 * @property {() => Promise<number>} databaseBytes size of the database (SQLite files, or the PostgreSQL schema's relations)
 * @property {() => Promise<void>} stop
 */

/**
 * @param {{ serverDir: string, backend: 'sqlite' | 'postgres', env: Record<string, string>, log: (line: string) => void }} options
 * @returns {Promise<AbuseServer>}
 */
export async function startAbuseServer({ serverDir, backend, env, log }) {
  const main = join(serverDir, 'packages/server/dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build that tree first (npm run build:packages)`);
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-abuse-'));
  const schema = backend === 'postgres' ? `herald_abuse_${process.pid}_${Date.now().toString(36)}` : undefined;
  const child = spawn(
    'sh',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', process.execPath, ...startNodeFlags(serverDir), main],
    {
      cwd: serverDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'warn',
        HERALD_DATA_DIR: dataDir,
        HERALD_JWT_SECRET: randomBytes(32).toString('hex'),
        HERALD_ACCESS_TOKEN_TTL: '86400',
        // The new server believes X-Forwarded-For (the old one reads the socket's address: each request also comes from its own 127.0.0.N).
        HERALD_TRUST_PROXY: 'true',
        ...(schema ? { DATABASE_URL: benchPgUrl(), DATABASE_SCHEMA: schema } : {}),
        ...env,
      },
    },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  /** @type {string[]} */
  const tail = [];
  const remember = (/** @type {string} */ line) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
  };
  createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stderr) }).on('line', remember);
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`herald did not listen within 60 s\n${tail.join('\n')}`)), 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`herald exited (${code}) before listening\n${tail.join('\n')}`));
    });
    createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on('line', (line) => {
      remember(line);
      const url = line.includes('"herald listening"') ? JSON.parse(line).url : /running at (http:\/\/\S+)/.exec(line)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(Number(new URL(url).port));
      }
    });
  });
  const pid = /** @type {number} */ (child.pid);
  log(`abuse: ${backend} server from ${serverDir}, pid ${pid}, port ${port}`);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    pid,
    port,
    rss: () => rssBytes(pid),
    async databaseBytes() {
      if (!schema) {
        const file = join(dataDir, 'herald.db');
        return ['', '-wal', '-shm'].reduce((sum, ext) => sum + (existsSync(file + ext) ? statSync(file + ext).size : 0), 0);
      }
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: benchPgUrl() });
      await client.connect();
      try {
        const result = await client.query(
          'select coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relkind = $2',
          [schema, 'r'],
        );
        return Number(result.rows[0].bytes);
      } finally {
        await client.end();
      }
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(kill);
      }
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: benchPgUrl() });
        await client.connect();
        await client.query(`drop schema if exists "${schema}" cascade`).finally(() => client.end());
      }
    },
  };
}

/**
 * @typedef {object} HttpAnswer
 * @property {number} status
 * @property {number} bytes
 * @property {number} ms
 * @property {any} json the parsed body, when it was JSON
 * @property {Record<string, string | string[] | undefined>} headers
 */

/**
 * One HTTP request from loopback address 127.0.0.`from` (X-Forwarded-For 10.0.0.`from` too).
 * @param {string} baseUrl
 * @param {string} method
 * @param {string} path
 * @param {{ json?: unknown, body?: Buffer, contentType?: string, token?: string, from?: number }} [options]
 * @returns {Promise<HttpAnswer>}
 */
export function http(baseUrl, method, path, options = {}) {
  const from = options.from ?? 1;
  const body = options.json !== undefined ? Buffer.from(JSON.stringify(options.json)) : options.body;
  /** @type {Record<string, string>} */
  const headers = { 'x-forwarded-for': `10.0.${(from >> 8) & 255}.${from & 255}` };
  if (body) {
    headers['content-type'] = options.contentType ?? 'application/json';
    headers['content-length'] = String(body.length);
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method,
        headers,
        localAddress: `127.0.0.${1 + (from % 250)}`,
        agent: false,
      },
      (res) => {
        /** @type {Buffer[]} */
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const data = Buffer.concat(chunks);
          let json;
          if (String(res.headers['content-type']).includes('json')) {
            try {
              json = JSON.parse(data.toString());
            } catch {}
          }
          resolve({ status: res.statusCode ?? 0, bytes: data.length, ms: performance.now() - started, json, headers: res.headers });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A multipart/form-data body with one file part. @param {Buffer} content @param {string} name @param {string} type */
export function multipart(content, name, type) {
  const boundary = `abuse${randomBytes(8).toString('hex')}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}\r\n\r\n`;
  return {
    body: Buffer.concat([Buffer.from(head), content, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}
