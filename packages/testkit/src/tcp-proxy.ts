/**
 * TcpProxy: a real TCP proxy on 127.0.0.1 between a client and a server, for failure tests.
 * `cut()` destroys every current connection (both sides see a reset, as when a network path dies);
 * `stall()` black-holes traffic in both directions while keeping the sockets open (half-open TCP: no
 * FIN, no RST, nothing arrives), including on connections made while stalled; `restore()` forwards
 * again; `stallOpen()` black-holes only the connections open now. Invariants: only loopback; `close()` leaves no socket or listener behind.
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
  /**
   * Stop forwarding, keeping sockets open (new connections too): in both directions by default, or
   * only server-to-client (`toClient`: requests arrive, replies do not) or client-to-server (`toServer`).
   */
  stall(direction?: StallDirection): void;
  /**
   * Black-hole only the connections open now (both directions by default); later connections
   * forward normally: one half-open socket while the network itself still works (a NAT entry or
   * a middlebox lost the flow).
   */
  stallOpen(direction?: StallDirection): void;
  /** Forward again (what was held back while stalled flows on). */
  restore(): void;
  /** Wait until `totalConnections` reaches `count` (rejects after `timeoutMs`). */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Wait until no connection is open (rejects after `timeoutMs`). */
  waitUntilIdle(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export type StallDirection = 'both' | 'toClient' | 'toServer';

interface Pair {
  client: Socket;
  upstream: Socket;
}

/** Start a proxy that forwards 127.0.0.1:<its port> to `target` (also on loopback). */
export async function startTcpProxy(target: { port: number; host?: string }): Promise<TcpProxy> {
  const host = target.host ?? '127.0.0.1';
  const pairs = new Set<Pair>();
  let stalled: StallDirection | null = null;
  // Pausing a socket stops reading from it, so pausing `upstream` holds what the server sends.
  const hold = ({ client, upstream }: Pair, direction: StallDirection) => {
    if (direction !== 'toClient') client.pause();
    if (direction !== 'toServer') upstream.pause();
  };
  let total = 0;
  const waiters = new Set<() => void>();

  /** Resolves when `done()` holds, re-checked on every connection event; rejects after `timeoutMs`. */
  const until = (done: () => boolean, timeoutMs: number, what: () => string) => {
    if (done()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`));
      }, timeoutMs);
      const check = () => {
        if (!done()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  };

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
      for (const wake of [...waiters]) wake();
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
    if (stalled) hold(pair, stalled);
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
    stall(direction = 'both') {
      stalled = direction;
      for (const p of pairs) hold(p, direction);
    },
    stallOpen(direction = 'both') {
      for (const p of pairs) hold(p, direction);
    },
    restore() {
      stalled = null;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
    },
    waitForConnections(count, timeoutMs = 10_000) {
      return until(
        () => total >= count,
        timeoutMs,
        () => `${count} proxy connections (have ${total})`,
      );
    },
    waitUntilIdle(timeoutMs = 10_000) {
      return until(
        () => pairs.size === 0,
        timeoutMs,
        () => `an idle proxy (${pairs.size} connections open)`,
      );
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
