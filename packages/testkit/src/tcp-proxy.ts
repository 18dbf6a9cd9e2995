/**
 * TcpProxy: a real TCP proxy on 127.0.0.1 between a client and a server, for failure tests.
 * `cut()` destroys every current connection (both sides see a reset, as when a network path dies);
 * `stall()` black-holes traffic in both directions while keeping the sockets open (half-open TCP: no
 * FIN, no RST, nothing arrives), including on connections made while stalled; `restore()` forwards
 * again. Invariants: only loopback; `close()` leaves no socket or listener behind.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export interface TcpProxy {
  /** The proxy's own port on 127.0.0.1. */
  readonly port: number;
  /** ws://127.0.0.1:PORT + path (default `/ws`). */
  wsUrl(path?: string): string;
  /** Connections open right now. */
  readonly openConnections: number;
  /** Connections accepted since the proxy started. */
  readonly totalConnections: number;
  /** Destroy every current connection. */
  cut(): void;
  /** Stop forwarding in both directions, keeping sockets open (new connections too). */
  stall(): void;
  /** Forward again (what was held back while stalled flows on). */
  restore(): void;
  /** Wait until `totalConnections` reaches `count` (rejects after `timeoutMs`). */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket;
}

/** Start a proxy that forwards 127.0.0.1:<its port> to `target` (also on loopback). */
export async function startTcpProxy(target: { port: number; host?: string }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  let stalled = false;
  let total = 0;
  const waiters = new Set<() => void>();

  const server: Server = createServer((client) => {
    total++;
    for (const wake of [...waiters]) wake();
    const upstream = tcpConnect({ host, port: target.port });
    const pair: Pair = { client, upstream };
    pairs.add(pair);
    const teardown = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      from.on('data', (chunk) => to.write(chunk));
      from.on('end', () => to.end());
      from.on('error', teardown);
      from.on('close', teardown);
    }
    if (stalled) {
      client.pause();
      upstream.pause();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy did not bind a TCP port');

  const cut = () => {
    for (const { client, upstream } of [...pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port: address.port,
    wsUrl: (path = '/ws') => `ws://127.0.0.1:${address.port}${path}`,
    get openConnections() {
      return pairs.size;
    },
    get totalConnections() {
      return total;
    },
    cut,
    stall() {
      stalled = true;
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    restore() {
      stalled = false;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
    },
    waitForConnections(count, timeoutMs = 10_000) {
      if (total >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${count} proxy connections (have ${total})`));
        }, timeoutMs);
        const check = () => {
          if (total < count) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
