/**
 * The server a fuzz run hits: one Herald process, run as `npm start` runs it (the built
 * `packages/server/dist/main.js` with the start script's Node flags, NODE_ENV=production), on a
 * fresh SQLite data directory or a fresh PostgreSQL schema; and the accounts, conversations and
 * API key the fuzz sockets, the REST fuzzer and the well-behaved client use, made through the REST API.
 * Invariants: limits are Herald's defaults except where a fuzzer would only measure them (the
 * frame rate is 5,000/s with the default burst of 40, so bursts still meet `rate_limited`;
 * sign-ups and error reports are not rate limited per IP); the process's error log lines
 * (pino level ≥ 50) are counted and the first kept; an exit before `stop()` is a crash;
 * `stop()` kills the process and removes the data directory and the schema.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { rssBytes } from '../proc-stats.mjs';
import { benchPgUrl, dropSchema, startNodeFlags } from '../targets/herald.mjs';

export const ADMIN_EMAIL = 'admin@fuzz.example.com';
const PASSWORD = 'fuzz-password-123';

/**
 * @typedef {object} FuzzServer
 * @property {string} baseUrl http://127.0.0.1:PORT
 * @property {string} wsUrl ws://127.0.0.1:PORT/ws
 * @property {number} pid
 * @property {number} maxFrameBytes
 * @property {() => number} rss resident set size in bytes
 * @property {{ count: number, first: string[] }} errorLogs
 * @property {() => string | undefined} crashed how it exited, when it exited before `stop()`
 * @property {() => Promise<void>} stop
 */

/**
 * @param {{ database: 'sqlite' | 'postgres', repoRoot: string, log: (line: string) => void }} options
 * @returns {Promise<FuzzServer>}
 */
export async function startFuzzServer({ database, repoRoot, log }) {
  const main = join(repoRoot, 'packages/server/dist/main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build:packages\` first (\`npm run fuzz\` does)`);
  const dataDir = mkdtempSync(join(tmpdir(), `herald-fuzz-${database}-`));
  const schema = database === 'postgres' ? `herald_fuzz_${process.pid}_${Date.now().toString(36)}` : undefined;
  const maxFrameBytes = 64 * 1024;
  const child = spawn(process.execPath, [...startNodeFlags(repoRoot), main], {
    cwd: repoRoot,
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
      HERALD_ADMIN_EMAIL: ADMIN_EMAIL,
      HERALD_MAX_FRAME_BYTES: String(maxFrameBytes),
      HERALD_RATE_PER_SECOND: '5000',
      HERALD_RATE_BURST: '40',
      // Every fuzz socket comes from one loopback address.
      HERALD_IP_PENDING_SOCKETS: '1000000',
      HERALD_IP_HANDSHAKES_PER_MINUTE: '1000000',
      HERALD_LOGIN_RATE_LIMIT: '1000000',
      HERALD_LOGIN_GLOBAL_PER_MINUTE: '1000000',
      HERALD_ERROR_REPORT_RATE_LIMIT: '1000000',
      HERALD_GROUP_ADD: 'anyone',
      ...(schema ? { DATABASE_URL: benchPgUrl(), DATABASE_SCHEMA: schema } : {}),
    },
  });
  // Never outlive the fuzzer (an interrupted run must not leave a server behind).
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  /** @type {string | undefined} */
  let exit;
  let stopping = false;
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      if (!stopping) exit = `exited with ${signal ?? code}`;
      resolve(undefined);
    }),
  );
  const errorLogs = { count: 0, first: /** @type {string[]} */ ([]) };
  /** @type {string[]} */
  const tail = [];
  /** @param {string} line */
  const onLine = (line) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    if (/"level":(5|6)\d/.test(line) || (!line.startsWith('{') && /error/i.test(line))) {
      errorLogs.count++;
      if (errorLogs.first.length < 5) errorLogs.first.push(line.slice(0, 600));
    }
  };
  createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stderr) }).on('line', onLine);
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`herald did not listen within 30 s\n${tail.join('\n')}`)), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`herald exited before listening\n${tail.join('\n')}`));
    });
    createInterface({ input: /** @type {import('node:stream').Readable} */ (child.stdout) }).on('line', (line) => {
      onLine(line);
      // At LOG_LEVEL=warn the JSON "herald listening" line is not written; the banner for people is.
      const listening = line.includes('"herald listening"') ? JSON.parse(line).url : /running at (http:\/\/\S+)/.exec(line)?.[1];
      if (listening) {
        clearTimeout(timer);
        resolve(Number(new URL(listening).port));
      }
    });
  });
  const pid = /** @type {number} */ (child.pid);
  log(`fuzz: ${database} server pid ${pid} on port ${port}${schema ? ` (schema ${schema})` : ''}`);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    pid,
    maxFrameBytes,
    rss: () => rssBytes(pid),
    errorLogs,
    crashed: () => exit,
    async stop() {
      stopping = true;
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      if (schema) await dropSchema(benchPgUrl(), schema).catch(() => undefined);
    },
  };
}

/**
 * One REST call for setup; anything but 2xx throws.
 * @param {string} baseUrl @param {string} method @param {string} path @param {unknown} [body] @param {string} [token]
 */
async function call(baseUrl, method, path, body, token) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/**
 * @typedef {object} Fixtures
 * @property {{ id: string, token: string }} admin
 * @property {string} apiKey
 * @property {{ token: string, conversationId: string }} good the well-behaved client's user and its conversation
 * @property {import('./frames.mjs').FuzzContext[]} fuzz one per fuzz socket
 */

/** Accounts and conversations for a run. @param {string} baseUrl @param {number} sockets @returns {Promise<Fixtures>} */
export async function makeFixtures(baseUrl, sockets) {
  /** @param {string} email */
  const register = async (email) => {
    const auth = await call(baseUrl, 'POST', '/api/v1/auth/register', { email, password: PASSWORD, name: email.split('@')[0] });
    return { id: String(auth.user.id), token: String(auth.accessToken) };
  };
  const admin = await register(ADMIN_EMAIL);
  const { key } = await call(
    baseUrl,
    'POST',
    '/api/v1/admin/api-keys',
    { name: 'fuzz', scopes: ['messages', 'notifications', 'events'], senderIds: ['*'] },
    admin.token,
  );
  const good = await register('good@fuzz.example.com');
  const partner = await register('partner@fuzz.example.com');
  const goodConversation = (await call(baseUrl, 'POST', '/api/v1/conversations', { kind: 'direct', userId: partner.id }, good.token))
    .conversation.id;
  const stranger = (
    await call(baseUrl, 'POST', '/api/v1/conversations', { kind: 'group', title: 'not yours', memberIds: [partner.id] }, good.token)
  ).conversation.id;
  const users = [];
  for (let i = 0; i < sockets; i++) users.push(await register(`fuzz-${i}@fuzz.example.com`));
  const shared = (
    await call(
      baseUrl,
      'POST',
      '/api/v1/conversations',
      { kind: 'group', title: 'fuzz shared', memberIds: users.map((u) => u.id) },
      admin.token,
    )
  ).conversation.id;
  /** @type {import('./frames.mjs').FuzzContext[]} */
  const fuzz = [];
  for (const [i, user] of users.entries()) {
    const own = (await call(baseUrl, 'POST', '/api/v1/conversations', { kind: 'group', title: `fuzz ${i}`, memberIds: [] }, user.token))
      .conversation.id;
    const messageIds = [];
    for (const text of ['first', 'second'])
      messageIds.push((await call(baseUrl, 'POST', `/api/v1/conversations/${own}/messages`, { text }, user.token)).message.id);
    fuzz.push({
      token: user.token,
      ownConversations: [own, shared],
      otherConversations: [stranger, goodConversation],
      messageIds,
      userIds: [user.id, ...users.filter((u) => u !== user).map((u) => u.id), good.id, admin.id],
    });
  }
  return { admin, apiKey: String(key), good: { token: good.token, conversationId: goodConversation }, fuzz };
}
