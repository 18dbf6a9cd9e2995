/**
 * launchServer: start a server under test as its own process, optionally pinned to CPUs with
 * `taskset`, with the open-file limit raised to the hard limit (10k sockets need 10k fds), and
 * wait until it says it is listening.
 * Invariants: the pid returned is the server's own node process (the shell `exec`s taskset, which
 * `exec`s node), so /proc readings are the server's; `stop()` always leaves no process behind.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/**
 * @typedef {object} LaunchOptions
 * @property {string} label name for error messages
 * @property {string[]} args node arguments (script and flags)
 * @property {Record<string, string>} env extra environment
 * @property {string | undefined} cpus taskset CPU list, e.g. "0"; undefined = not pinned
 * @property {(line: string) => number | undefined} readyPort returns the bound port when `line` says the server is up
 * @property {(line: string) => void} [onLine] sees every line the server prints on stdout
 * @property {string} [cwd]
 * @property {number} [timeoutMs]
 */

/**
 * @typedef {object} ServerProcess
 * @property {number} pid
 * @property {number} port
 * @property {() => string} output the last lines the server printed (for error reports)
 * @property {() => Promise<number | null>} stop SIGTERM, then SIGKILL after 15 s; resolves with the exit code
 */

/** @param {LaunchOptions} options @returns {Promise<ServerProcess>} */
export function launchServer(options) {
  const pinned = options.cpus === undefined ? [] : ['taskset', '-c', options.cpus];
  const child = spawn(
    'sh',
    ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', ...pinned, process.execPath, ...options.args],
    {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  /** @type {string[]} */
  const tail = [];
  const remember = (/** @type {string} */ line) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  createInterface({ input: child.stderr }).on('line', remember);
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${options.label} did not start in time`)), options.timeoutMs ?? 60_000);
    const fail = (/** @type {Error} */ error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${error.message}\n--- ${options.label} output ---\n${tail.join('\n')}`));
    };
    exited.then((code) => fail(new Error(`${options.label} exited with ${code} before listening`)));
    lines.on('line', (line) => {
      options.onLine?.(line);
      remember(line);
      const port = options.readyPort(line);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({
        pid: /** @type {number} */ (child.pid),
        port,
        output: () => tail.join('\n'),
        async stop() {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
          const code = await exited;
          clearTimeout(kill);
          return code;
        },
      });
    });
  });
}

/** Reads `{"ready":true,"port":N}`, the line the bench's own servers print when listening. */
/** @param {string} line @returns {number | undefined} */
export function readyJsonPort(line) {
  if (!line.startsWith('{"ready"')) return undefined;
  return JSON.parse(line).port;
}

/**
 * Launch several servers side by side (a cluster's nodes): all of them, or none — if one fails to
 * start, the others are stopped and its error is thrown.
 * @param {LaunchOptions[]} list @returns {Promise<ServerProcess[]>}
 */
export async function launchServers(list) {
  const launched = await Promise.allSettled(list.map((options) => launchServer(options)));
  const up = launched.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = launched.find((result) => result.status === 'rejected');
  if (failed) {
    await Promise.all(up.map((server) => server.stop()));
    throw failed.reason;
  }
  return up;
}
