/**
 * Herald as a real child process: `buildServer()` compiles the protocol and server packages to
 * dist/ (once per test process, one process at a time), `startServerProcess()` runs `packages/server/dist/main.js` with the
 * environment given, on 127.0.0.1, and resolves when it logs that it listens.
 * Invariants: only loopback; the child is killed on `kill()` and on the test process's exit, so no
 * node is left behind; `stop()` sends a signal and resolves with the exit code (nothing is killed
 * unless its timeout passes).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

// Resolved on use, not at import: a jsdom test environment imports the testkit with a non-file URL.
const root = () => fileURLToPath(new URL('../../../', import.meta.url));
const mainScript = () => fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));

let built: Promise<void> | undefined;

/**
 * `tsc -b` of protocol and server (the output `npm start` runs); once per test process, and one
 * process at a time: test files run in parallel forks, and two builds writing one dist/ at once
 * could hand a server a half-written file.
 */
export function buildServer(): Promise<void> {
  built ??= withBuildLock(compile);
  return built;
}

/** A directory as a cross-process lock (mkdir is atomic); a lock older than two minutes is stale. */
async function withBuildLock(work: () => Promise<void>): Promise<void> {
  const lock = join(tmpdir(), `herald-server-build-${createHash('sha1').update(root()).digest('hex').slice(0, 12)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`another server build still holds ${lock}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  try {
    await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function compile(): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(root(), 'node_modules/typescript/bin/tsc'),
        '-b',
        'packages/protocol/tsconfig.build.json',
        'packages/server/tsconfig.build.json',
      ],
      { cwd: root(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    // Exit 2 is tsc's "diagnostics present, outputs generated": type errors are the typecheck's
    // job (npm test runs it first); the test still runs the emitted server.
    child.once('exit', (code) => {
      if (code === 2) console.warn(`server build has type errors (outputs generated):\n${output}`);
      if (code === 0 || code === 2) resolve();
      else reject(new Error(`server build failed (${code}):\n${output}`));
    });
  });
}

export interface ServerProcessOptions {
  /** Environment on top of a test baseline (NODE_ENV=test, HOST=127.0.0.1, LOG_LEVEL=info). */
  env: Record<string, string>;
  /** 0 (default) picks a free port; a restart passes the previous one. */
  port?: number;
  /** Name in error messages and log tails. */
  label?: string;
  /** How long to wait for the listening line (default 20 s). */
  startTimeoutMs?: number;
}

export interface ServerProcess {
  readonly pid: number;
  readonly port: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** Resolves with the exit code (or null after a kill) once the process has exited. */
  readonly exited: Promise<number | null>;
  /** The last lines it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Send `signal` (default SIGTERM) and wait for the exit; SIGKILL after `timeoutMs` (default 20 s). */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILL, at once. */
  kill(): void;
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** Start `packages/server/dist/main.js` (call `buildServer()` first). */
export function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const label = options.label ?? 'herald';
  const child = spawn(process.execPath, [mainScript()], {
    cwd: root(),
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...options.env,
      PORT: String(options.port ?? 0),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const tail: string[] = [];
  const remember = (line: string) => {
    tail.push(line);
    if (tail.length > 60) tail.shift();
  };
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      live.delete(child);
      resolve(code);
    }),
  );
  createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', remember);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  return new Promise((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${label}: ${message}\n--- ${label} output ---\n${tail.join('\n')}`));
    };
    const timer = setTimeout(() => fail('did not start in time'), options.startTimeoutMs ?? 20_000);
    void exited.then((code) => fail(`exited with ${code} before listening`));
    lines.on('line', (line) => {
      remember(line);
      const port = listeningPort(line);
      if (port === undefined) return;
      clearTimeout(timer);
      resolve({
        pid: child.pid as number,
        port,
        url: `http://127.0.0.1:${port}`,
        exited,
        output: () => tail.join('\n'),
        async stop(signal = 'SIGTERM', timeoutMs = 20_000) {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill(signal);
          const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
          const code = await exited;
          clearTimeout(kill);
          return code;
        },
        kill: () => child.kill('SIGKILL'),
      });
    });
  });
}

/** The port of main.ts's `herald listening` log line (pino JSON), else undefined. */
function listeningPort(line: string): number | undefined {
  if (!line.startsWith('{') || !line.includes('"herald listening"')) return undefined;
  const { url } = JSON.parse(line) as { url?: string };
  return url ? Number(new URL(url).port) : undefined;
}
