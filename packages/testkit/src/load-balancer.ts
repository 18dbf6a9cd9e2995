/**
 * startLoadBalancer: a real HAProxy (the Debian package) in front of Herald nodes, on loopback
 * ports, with the config docs/deploy.md shows (`haproxyConfig` is that text): WebSocket upgrades,
 * round robin, health checks on the readiness route, long tunnel timeouts. It runs in the
 * foreground (`-db`) from a temp dir and is killed by `close()` (and on the test process's exit).
 * Invariants: binds 127.0.0.1 only; `serverStates()` reads HAProxy's own view of each node (stats CSV).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceAvailable } from './services.js';

export interface LoadBalancerNode {
  /** The server name in the config and in `serverStates()`. */
  name: string;
  port: number;
}

export interface HaproxyConfigOptions {
  /** Where clients connect (127.0.0.1:port). */
  port: number;
  /** Where `serverStates()` reads HAProxy's stats CSV (127.0.0.1:statsPort). */
  statsPort: number;
  nodes: readonly LoadBalancerNode[];
  /** The readiness route (default `/api/v1/health/ready`). */
  healthPath?: string;
  /** Health check interval (default 500 ms). */
  checkIntervalMs?: number;
  /** HAProxy's global maxconn (default 4096). */
  maxConnections?: number;
}

/** The HAProxy config for Herald nodes: the tested text docs/deploy.md shows. */
export function haproxyConfig(options: HaproxyConfigOptions): string {
  const inter = options.checkIntervalMs ?? 500;
  const servers = options.nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.port} check`).join('\n');
  return `global
  # Each proxied WebSocket holds two file descriptors; raise with the fd limit (ulimit -n).
  maxconn ${options.maxConnections ?? 4096}

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # An upgraded WebSocket is a tunnel: Herald's own heartbeats keep it alive, so give it long.
  timeout tunnel 1h
  timeout client-fin 5s
  timeout http-request 10s
  # A request that cannot connect, or a GET (the WebSocket upgrade) answered 503 by a draining
  # node, is sent again to another node.
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response 503

frontend herald
  bind 127.0.0.1:${options.port}
  default_backend herald_nodes

backend herald_nodes
  balance roundrobin
  # Other methods are retried only when the connection failed (never after the node saw them).
  http-request disable-l7-retry if !METH_GET
  # 200 only while the node should get traffic; 503 from the first moment of a drain.
  option httpchk GET ${options.healthPath ?? '/api/v1/health/ready'}
  http-check expect status 200
  default-server inter ${inter}ms fastinter ${inter}ms downinter ${inter}ms fall 1 rise 2
${servers}

frontend stats
  bind 127.0.0.1:${options.statsPort}
  stats enable
  stats uri /stats
`;
}

export interface LoadBalancer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** ws://127.0.0.1:PORT/ws */
  readonly wsUrl: string;
  readonly config: string;
  /** HAProxy's view of each node: `UP`, `DOWN`, `NOLB`, `MAINT` (with transitions like `UP 1/2`). */
  serverStates(): Promise<Record<string, string>>;
  /** Resolves once HAProxy reports `name` in `state` (polling its stats every 50 ms; rejects after `timeoutMs`). */
  waitForState(name: string, state: 'UP' | 'DOWN', timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** True when the `haproxy` binary runs; false after a loud warning (an error when CI=true). */
export function haproxyAvailable(): Promise<boolean> {
  return serviceAvailable('HAProxy', async () => {
    const result = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
    if (result.error || result.status !== 0) throw result.error ?? new Error(`haproxy -v exited ${result.status}`);
  });
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/** A free loopback port (bound and released; HAProxy binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Start HAProxy in front of `nodes`; resolves when its stats page answers. */
export async function startLoadBalancer(
  options: Omit<HaproxyConfigOptions, 'port' | 'statsPort'> & { port?: number },
): Promise<LoadBalancer> {
  const port = options.port ?? (await freePort());
  const statsPort = await freePort();
  const config = haproxyConfig({ ...options, port, statsPort });
  const dir = mkdtempSync(join(tmpdir(), 'herald-lb-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, config);
  const check = spawnSync('haproxy', ['-c', '-q', '-f', file], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`haproxy rejected its config:\n${check.stderr}${check.stdout}\n${config}`);
  const child = spawn('haproxy', ['-db', '-f', file], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  const statsUrl = `http://127.0.0.1:${statsPort}/stats;csv`;

  const serverStates = async (): Promise<Record<string, string>> => {
    const text = await (await fetch(statsUrl)).text();
    const [header, ...rows] = text.trim().split('\n');
    const columns = (header ?? '').replace(/^# /, '').split(',');
    const px = columns.indexOf('pxname');
    const sv = columns.indexOf('svname');
    const status = columns.indexOf('status');
    const states: Record<string, string> = {};
    for (const row of rows) {
      const cells = row.split(',');
      if (cells[px] === 'herald_nodes' && cells[sv] && cells[sv] !== 'BACKEND') states[cells[sv]] = cells[status] ?? '';
    }
    return states;
  };

  const waitFor = async (probe: () => Promise<boolean>, what: string, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`haproxy exited (${child.exitCode}):\n${stderr}`);
      if (await probe().catch(() => false)) return;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; haproxy says: ${JSON.stringify(await serverStates().catch(() => ({})))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  await waitFor(async () => (await fetch(statsUrl)).ok, 'haproxy to start', 10_000);

  return {
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    config,
    serverStates,
    waitForState: (name, state, timeoutMs = 15_000) =>
      waitFor(async () => (await serverStates())[name]?.split(' ')[0] === state, `${name} ${state}`, timeoutMs),
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
