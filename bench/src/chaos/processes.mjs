/**
 * The processes a soak kills: Herald server nodes (`packages/server/dist/main.js`, as `npm start`
 * runs it) and a dedicated `redis-server` on an ephemeral loopback port (never the shared one on
 * 6379). Each can be killed with SIGKILL and started again on the same port.
 * Invariants: only processes spawned here are signalled, by their own pid; every child is killed
 * when the soak's process exits; `start()` resolves once the process serves its port.
 */
import { spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { createInterface } from 'node:readline';

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * @typedef {object} Killable
 * @property {string} label
 * @property {number} port
 * @property {() => boolean} running
 * @property {() => number | undefined} pid its process while running (the bench measures Redis's CPU)
 * @property {() => Promise<void>} start start (again), on the same port
 * @property {() => Promise<void>} kill SIGKILL, resolves when it has exited
 * @property {() => string} output its last lines (for error reports)
 */

/** A free TCP port on loopback. @returns {Promise<number>} */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * @param {{ label: string, command: string, args: string[], env?: Record<string, string>, cwd?: string, port: number,
 *           isReady: (line: string) => boolean, probe?: () => Promise<boolean> }} spec
 * @returns {Killable}
 */
function killable(spec) {
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  /** @type {Promise<void> | undefined} */
  let exited;
  /** @type {string[]} */
  const tail = [];
  const remember = (/** @type {string} */ line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  return {
    label: spec.label,
    port: spec.port,
    running: () => child !== undefined,
    pid: () => child?.pid,
    output: () => tail.join('\n'),
    async start() {
      if (child) return;
      const started = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      live.add(started);
      exited = new Promise((resolve) =>
        started.once('exit', () => {
          live.delete(started);
          if (child === started) child = undefined;
          resolve();
        }),
      );
      createInterface({ input: /** @type {import('node:stream').Readable} */ (started.stderr) }).on('line', remember);
      const lines = createInterface({ input: /** @type {import('node:stream').Readable} */ (started.stdout) });
      let ready = false;
      lines.on('line', (line) => {
        remember(line);
        if (!ready && spec.isReady(line)) ready = true;
      });
      const deadline = Date.now() + 30_000;
      while (!(ready || (spec.probe && (await spec.probe())))) {
        if (child !== started) throw new Error(`${spec.label} exited before listening\n${tail.join('\n')}`);
        if (Date.now() > deadline) throw new Error(`${spec.label} did not listen on ${spec.port} within 30 s\n${tail.join('\n')}`);
        await new Promise((resolve) => setTimeout(resolve, 25)); // polling a port or a log line: no event to wait for
      }
    },
    async kill() {
      if (!child) return;
      const done = exited;
      child.kill('SIGKILL');
      await done;
    },
  };
}

/**
 * A Herald node on a fixed port (so a restart comes back where its proxies point).
 * @param {{ label: string, main: string, cwd: string, port: number, env: Record<string, string> }} options
 */
export function heraldNode({ label, main, cwd, port, env }) {
  return killable({
    label,
    command: process.execPath,
    args: [main],
    cwd,
    port,
    env: { ...env, HOST: '127.0.0.1', PORT: String(port) },
    isReady: (line) => line.includes('"herald listening"'),
  });
}

/** A dedicated redis-server (no persistence) on `port`. @param {number} port @param {string} bin */
export function redisNode(port, bin = process.env.HERALD_TEST_REDIS_SERVER ?? '/usr/bin/redis-server') {
  return killable({
    label: 'redis-server',
    command: bin,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
    port,
    isReady: () => false,
    probe: () => pong(port),
  });
}

/** True when something answers PING with PONG on the port. @param {number} port @returns {Promise<boolean>} */
function pong(port) {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (/** @type {boolean} */ ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
