/**
 * RedisProcess: a dedicated `redis-server` of one test, on an ephemeral loopback port, that the
 * test may stop and start again (same port) to cause a real Redis outage. It never touches the
 * shared Redis on 6379, which other tests use at the same time.
 * Invariants: only the process this helper spawned is ever signalled (by its own pid); no data is
 * persisted (no RDB, no AOF); `start` resolves once the server answers on its port.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { serviceAvailable } from './services.js';

export const REDIS_SERVER_BIN = process.env.HERALD_TEST_REDIS_SERVER ?? '/usr/bin/redis-server';

/** True when the `redis-server` binary can be run (skips loudly locally, fails under CI=true). */
export function redisServerAvailable(): Promise<boolean> {
  return serviceAvailable('redis-server binary', () => access(REDIS_SERVER_BIN, constants.X_OK));
}

export class RedisProcess {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  /** Start a new redis-server on a free loopback port. */
  static async start(): Promise<RedisProcess> {
    const redis = new RedisProcess(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  /** Start (again) on the same port; resolves when it accepts connections. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      REDIS_SERVER_BIN,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes'],
      { stdio: 'ignore' },
    );
    this.child = child;
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    const deadline = Date.now() + 10_000;
    while (!(await answers(this.port))) {
      if (!this.child) throw new Error(`redis-server exited before listening on ${this.port}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not listen on ${this.port} within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Stop it (SIGKILL: an abrupt outage, every connection cut at once); resolves when it has exited. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** True when something answers PING with PONG on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
