/**
 * `npm run bench:scale`: issue 26's scale figures, Herald (one node, SQLite, users prepared in
 * advance: seed.mjs) beside the raw `ws` server (servers/raw-ws-server.mjs, the floor):
 *   storm  N sockets connect at once to a node that just started: time until all are `connected`
 *          (raw ws: open), the rate, and the server's CPU;
 *   group  M members of one group all connect, one socket each: presence frames and bytes each
 *          socket received per connect, and server CPU (the frames must not grow with M);
 *   idle   N sockets connected, then left alone: RSS per connection over the server's own baseline,
 *          and the longest event-loop stall while idle (loop-stall-monitor.cjs preloaded).
 * The load generator is this process (one core; it says so). Sockets come from several loopback
 * source addresses (127.0.0.1–.8), since one address has only ~28,000 ephemeral ports towards one
 * port, and the process raises its own and the servers' open-file limits (root: prlimit).
 *
 *   npm run bench:scale -- [--storm 10000,50000] [--group 1000,5000] [--idle 50000] [--idle-seconds 30] [--quick]
 *                          [--concurrency 2000] [--profile-dir DIR] [--json]
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { connectAll } from '../connect-all.mjs';
import { stallWatch, summariseStalls } from '../loop-stalls.mjs';
import { cpuMeter, rssBytes, waitIdle } from '../proc-stats.mjs';
import { launchServer, readyJsonPort } from '../server-process.mjs';
import { seedUsers } from './seed.mjs';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const rawWsScript = fileURLToPath(new URL('../servers/raw-ws-server.mjs', import.meta.url));
const SOURCES = Array.from({ length: 8 }, (_, i) => `127.0.0.${i + 1}`);
const FILES = 200_000;

const { values } = parseArgs({
  options: {
    storm: { type: 'string', default: '10000,50000' },
    group: { type: 'string', default: '1000,5000' },
    idle: { type: 'string', default: '50000' },
    'idle-seconds': { type: 'string', default: '30' },
    concurrency: { type: 'string', default: '2000' },
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    'profile-dir': { type: 'string' },
  },
});
const list = (/** @type {string} */ text) => text.split(',').filter(Boolean).map(Number);
const plan = values.quick
  ? { storm: [200], group: [40, 80], idle: [200], idleSeconds: 2, concurrency: 100 }
  : {
      storm: list(values.storm),
      group: list(values.group),
      idle: list(values.idle),
      idleSeconds: Number(values['idle-seconds']),
      concurrency: Number(values.concurrency),
    };
for (const n of [...plan.storm, ...plan.group, ...plan.idle, plan.idleSeconds, plan.concurrency]) {
  if (!Number.isInteger(n) || n < 1)
    throw new Error('--storm, --group, --idle take positive integers; --idle-seconds and --concurrency too');
}
const log = (/** @type {string} */ line) => process.stderr.write(`${line}\n`);

// This process opens every socket: raise its own open-file limit (root may; otherwise say so).
try {
  execFileSync('prlimit', ['--pid', String(process.pid), `--nofile=${FILES}:${FILES}`]);
} catch {
  log(`could not raise this process's open-file limit to ${FILES}; large runs may fail with EMFILE`);
}

/** Start a server process (open-file limit raised, stall monitor preloaded). @param {{ label: string, args: string[], env: Record<string, string>, readyPort: (line: string) => number | undefined }} options */
async function start(options) {
  const stalls = stallWatch(true);
  // The child inherits this process's raised hard limit, and launchServer lifts its soft one to it.
  const server = await launchServer(stalls.launch({ ...options, cwd: repoRoot, cpus: undefined }));
  return { server, stalls: /** @type {() => import('../loop-stalls.mjs').LoopStall[]} */ (stalls.events ?? (() => [])) };
}

/** Herald on a fresh data dir with `users` prepared users and the given groups. @param {{ users: number, groups?: number[] }} options */
async function startHerald({ users, groups = [] }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-scale-'));
  const secret = randomBytes(32).toString('hex');
  const seeded = Date.now();
  const seed = await seedUsers({ dataDir, secret, users, groups });
  log(
    `  prepared ${users} users${groups.length ? ` and groups of ${groups.join(', ')}` : ''} in ${((Date.now() - seeded) / 1000).toFixed(1)} s`,
  );
  const { server, stalls } = await start({
    label: 'herald',
    // --profile-dir: a V8 CPU profile of each Herald run (bench/src/cpuprofile-summary.mjs reads it).
    args: [...(values['profile-dir'] ? ['--cpu-prof', `--cpu-prof-dir=${values['profile-dir']}`] : []), 'packages/server/dist/main.js'],
    env: {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      HERALD_DATA_DIR: dataDir,
      HERALD_JWT_SECRET: secret,
      HERALD_RATE_PER_SECOND: '1000000',
      HERALD_RATE_BURST: '1000000',
      HERALD_USER_SOCKETS: '1000000',
      HERALD_IP_PENDING_SOCKETS: '1000000',
      HERALD_IP_HANDSHAKES_PER_MINUTE: '100000000',
      HERALD_AUTH_TIMEOUT_MS: '120000',
      HERALD_DRAIN_DELAY_MS: '0',
      HERALD_DRAIN_SPREAD_MS: '0',
    },
    readyPort: (line) => (line.includes('"herald listening"') ? Number(new URL(JSON.parse(line).url).port) : undefined),
  });
  return {
    server,
    stalls,
    tokens: seed.tokens,
    async close() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startRawWs() {
  const { server, stalls } = await start({ label: 'raw ws', args: [rawWsScript], env: {}, readyPort: readyJsonPort });
  return {
    server,
    stalls,
    async close() {
      await server.stop();
    },
  };
}

/**
 * One Herald socket, resolved once `connected` arrives; `onFrame` sees every later text frame.
 * @param {number} port @param {string} token @param {number} i @param {(text: string) => void} [onFrame]
 */
function heraldSocket(port, token, i, onFrame) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, { perMessageDeflate: false, localAddress: SOURCES[i % SOURCES.length] });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.send(
        JSON.stringify({
          id: `a${i}`,
          type: 'control',
          action: 'authenticate',
          timestamp: Date.now(),
          data: { token, device: { deviceType: 'desktop', deviceId: `d${i}` } },
        }),
      );
    });
    let ready = false;
    socket.on('message', (data) => {
      const text = String(data);
      if (!ready) {
        if (text.includes('"action":"connected"')) {
          ready = true;
          socket.on('error', () => undefined);
          resolve(socket);
        } else if (text.includes('"action":"error"')) reject(new Error(text));
        return;
      }
      onFrame?.(text);
    });
  });
}

/** @param {number} port @param {number} i */
function rawSocket(port, i) {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/?room=idle`, {
    perMessageDeflate: false,
    localAddress: SOURCES[i % SOURCES.length],
  });
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('open', () => {
      socket.on('error', () => undefined);
      resolve(socket);
    });
  });
}

const closeAll = (/** @type {Array<WebSocket | undefined>} */ sockets) => {
  for (const socket of sockets) socket?.terminate();
};
const ms = (/** @type {number} */ ns) => Math.round(ns / 1e6);

/** @param {number} n */
async function storm(n) {
  /** @type {Record<string, unknown>} */
  const row = { scenario: 'storm', sockets: n };
  const herald = await startHerald({ users: n });
  try {
    const cpu = cpuMeter(herald.server.pid);
    const opened = await connectAll(n, (i) => heraldSocket(herald.server.port, herald.tokens[i] ?? '', i), plan.concurrency);
    const used = cpu.lap();
    row.herald = {
      connectedMs: Math.round(opened.elapsedMs),
      perSecond: Math.round((n - opened.failures) / (opened.elapsedMs / 1000)),
      cpuMs: ms(used.cpuNs),
      failures: opened.failures,
      firstError: opened.firstError,
    };
    closeAll(opened.clients);
  } finally {
    await herald.close();
  }
  const raw = await startRawWs();
  try {
    const cpu = cpuMeter(raw.server.pid);
    const opened = await connectAll(n, (i) => rawSocket(raw.server.port, i), plan.concurrency);
    const used = cpu.lap();
    row.rawWs = {
      connectedMs: Math.round(opened.elapsedMs),
      perSecond: Math.round((n - opened.failures) / (opened.elapsedMs / 1000)),
      cpuMs: ms(used.cpuNs),
      failures: opened.failures,
      firstError: opened.firstError,
    };
    closeAll(opened.clients);
  } finally {
    await raw.close();
  }
  const h = /** @type {{ connectedMs: number }} */ (row.herald);
  const r = /** @type {{ connectedMs: number }} */ (row.rawWs);
  row.ratio = Math.round((h.connectedMs / r.connectedMs) * 100) / 100;
  return row;
}

/** @param {number} members */
async function group(members) {
  const herald = await startHerald({ users: members, groups: [members] });
  try {
    let frames = 0;
    let bytes = 0;
    const onFrame = (/** @type {string} */ text) => {
      if (!text.includes('"action":"presence_')) return;
      frames++;
      bytes += Buffer.byteLength(text);
    };
    const cpu = cpuMeter(herald.server.pid);
    const opened = await connectAll(members, (i) => heraldSocket(herald.server.port, herald.tokens[i] ?? '', i, onFrame), plan.concurrency);
    // Presence is told at tick ends: wait until the server is idle again, then count.
    await waitIdle(herald.server.pid, { threshold: 0.02, timeoutMs: 60_000 });
    const used = cpu.lap();
    closeAll(opened.clients);
    return {
      scenario: 'group',
      members,
      connected: members - opened.failures,
      presenceFrames: frames,
      presenceFramesPerConnect: Math.round((frames / members) * 100) / 100,
      presenceBytesPerConnect: Math.round(bytes / members),
      cpuMs: ms(used.cpuNs),
      connectMs: Math.round(opened.elapsedMs),
    };
  } finally {
    await herald.close();
  }
}

/** @param {number} n */
async function idle(n) {
  /** @param {{ server: { pid: number, port: number }, stalls: () => import('../loop-stalls.mjs').LoopStall[] }} target @param {(i: number) => Promise<WebSocket>} open */
  const measure = async (target, open) => {
    await waitIdle(target.server.pid);
    const before = rssBytes(target.server.pid);
    const opened = await connectAll(n, open, plan.concurrency);
    await waitIdle(target.server.pid, { threshold: 0.05, timeoutMs: 60_000 });
    const from = Date.now();
    await new Promise((resolve) => setTimeout(resolve, plan.idleSeconds * 1000));
    const to = Date.now();
    const rss = rssBytes(target.server.pid);
    closeAll(opened.clients);
    return {
      connected: n - opened.failures,
      kibPerConnection: Math.round(((rss - before) / 1024 / Math.max(1, n - opened.failures)) * 100) / 100,
      idleStalls: summariseStalls(target.stalls(), from, to),
    };
  };
  const herald = await startHerald({ users: n });
  /** @type {Record<string, unknown>} */
  const row = { scenario: 'idle', sockets: n, idleSeconds: plan.idleSeconds };
  try {
    row.herald = await measure(herald, (i) => heraldSocket(herald.server.port, herald.tokens[i] ?? '', i));
  } finally {
    await herald.close();
  }
  const raw = await startRawWs();
  try {
    row.rawWs = await measure(raw, (i) => rawSocket(raw.server.port, i));
  } finally {
    await raw.close();
  }
  const h = /** @type {{ kibPerConnection: number }} */ (row.herald);
  const r = /** @type {{ kibPerConnection: number }} */ (row.rawWs);
  row.ratio = Math.round((h.kibPerConnection / r.kibPerConnection) * 100) / 100;
  return row;
}

const rows = [];
log(`load generator: this process (${process.pid}), unpinned; servers unpinned; ${plan.concurrency} handshakes in flight`);
for (const n of plan.storm) {
  log(`storm: ${n} sockets`);
  rows.push(await storm(n));
  log(`  ${JSON.stringify(rows.at(-1))}`);
}
for (const m of plan.group) {
  log(`group: ${m} members`);
  rows.push(await group(m));
  log(`  ${JSON.stringify(rows.at(-1))}`);
}
for (const n of plan.idle) {
  log(`idle: ${n} sockets for ${plan.idleSeconds} s`);
  rows.push(await idle(n));
  log(`  ${JSON.stringify(rows.at(-1))}`);
}

if (values.json) console.log(JSON.stringify(rows));
else {
  console.log('| scenario | size | Herald | raw ws | Herald ÷ raw ws | target |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) {
    const r = /** @type {any} */ (row);
    if (r.scenario === 'storm') {
      console.log(
        `| connect storm | ${r.sockets} sockets | ${r.herald.connectedMs} ms (${r.herald.perSecond}/s), CPU ${r.herald.cpuMs} ms${r.herald.failures ? `, ${r.herald.failures} failed` : ''} | ${r.rawWs.connectedMs} ms (${r.rawWs.perSecond}/s), CPU ${r.rawWs.cpuMs} ms | ${r.ratio}× | ≤ 2× at 10,000 |`,
      );
    } else if (r.scenario === 'group') {
      console.log(
        `| presence, one group | ${r.members} members | ${r.presenceFramesPerConnect} frames and ${r.presenceBytesPerConnect} B per connect (${r.presenceFrames} in all), CPU ${r.cpuMs} ms | – | – | frames per connect independent of group size |`,
      );
    } else {
      console.log(
        `| idle | ${r.sockets} sockets, ${r.idleSeconds} s | ${r.herald.kibPerConnection} KiB per connection, longest stall ${r.herald.idleStalls.longestMs} ms | ${r.rawWs.kibPerConnection} KiB, longest stall ${r.rawWs.idleStalls.longestMs} ms | ${r.ratio}× | ≤ 1.1× memory; stall ≤ 20 ms |`,
      );
    }
  }
}
(values.json ? log : console.log)(
  `\nCommand: npm run bench:scale --${values.quick ? ' --quick' : ` --storm ${plan.storm.join(',')} --group ${plan.group.join(',')} --idle ${plan.idle.join(',')} --idle-seconds ${plan.idleSeconds}`}`,
);
