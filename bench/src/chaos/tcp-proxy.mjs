/**
 * A real TCP proxy on 127.0.0.1 between one soak client and its server: `cut()` resets every
 * connection (both sides see the path die); `stall()` black-holes both directions of the
 * connections open now while keeping their sockets open (a half-open socket: no FIN, no RST,
 * nothing arrives, as when a NAT entry or a middlebox loses the flow) while new connections
 * forward normally, so a client that notices can replace its socket; `restore()` lets what was
 * held flow on. testkit's `TcpProxy.stallOpen()`, ported because the bench runs as plain Node ES
 * modules and testkit is TypeScript sources only.
 * Invariants: loopback only; `onConnection` fires for every accepted connection (the soak times
 * half-open detection by it); `close()` leaves no socket or listener behind.
 */
import { connect, createServer } from 'node:net';

/**
 * @typedef {object} ChaosProxy
 * @property {number} port
 * @property {() => void} cut
 * @property {() => void} stall black-hole the connections open now (later ones forward)
 * @property {() => void} restore
 * @property {() => boolean} stalled between stall() and restore()
 * @property {(target: number) => void} retarget the upstream port of connections made from now on
 * @property {(port: number) => boolean} connectedTo whether a connection open now and not held goes to `port`
 * @property {() => Promise<void>} close
 */

/**
 * @param {number} targetPort upstream port on 127.0.0.1
 * @param {() => void} [onConnection]
 * @returns {Promise<ChaosProxy>}
 */
export async function startChaosProxy(targetPort, onConnection) {
  let target = targetPort;
  /** @typedef {{ client: import('node:net').Socket, upstream: import('node:net').Socket, port: number }} Pair */
  /** @type {Set<Pair>} */
  const pairs = new Set();
  let stalled = false;
  /** @type {Set<Pair>} */
  const held = new Set();
  const server = createServer((client) => {
    onConnection?.();
    const upstream = connect({ host: '127.0.0.1', port: target });
    const pair = { client, upstream, port: target };
    pairs.add(pair);
    const teardown = () => {
      pairs.delete(pair);
      held.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    for (const [from, to] of /** @type {const} */ ([
      [client, upstream],
      [upstream, client],
    ])) {
      from.on('data', (chunk) => to.write(chunk));
      from.on('end', () => to.end());
      from.on('error', teardown);
      from.on('close', teardown);
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy did not bind a TCP port');
  const cut = () => {
    for (const { client, upstream } of [...pairs]) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
    held.clear();
  };
  return {
    port: address.port,
    cut,
    stall() {
      stalled = true;
      // Pausing a socket stops reading from it: pausing both sides holds both directions.
      for (const pair of pairs) {
        held.add(pair);
        pair.client.pause();
        pair.upstream.pause();
      }
    },
    restore() {
      stalled = false;
      for (const { client, upstream } of held) {
        client.resume();
        upstream.resume();
      }
      held.clear();
    },
    stalled: () => stalled,
    retarget(port) {
      target = port;
    },
    // Held connections do not count: after a detected stall the client has moved on to a new one
    // and the held one lingers until restore(); while undetected, the stall accounts for it.
    connectedTo: (port) => [...pairs].some((pair) => pair.port === port && !held.has(pair)),
    async close() {
      cut();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
