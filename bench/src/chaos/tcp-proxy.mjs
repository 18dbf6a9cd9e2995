/**
 * A real TCP proxy on 127.0.0.1 between one soak client and its server: `cut()` resets every
 * connection (both sides see the path die), `stall()` black-holes both directions while keeping the
 * sockets open (half-open TCP: no FIN, no RST), connections made while stalled included, and
 * `restore()` forwards again. The logic of packages/testkit/src/tcp-proxy.ts, ported because the
 * bench runs as plain Node ES modules and testkit is TypeScript sources only.
 * Invariants: loopback only; `onConnection` fires for every accepted connection (the soak times
 * half-open detection by it); `close()` leaves no socket or listener behind.
 */
import { connect, createServer } from 'node:net';

/**
 * @typedef {object} ChaosProxy
 * @property {number} port
 * @property {() => void} cut
 * @property {() => void} stall
 * @property {() => void} restore
 * @property {() => boolean} stalled
 * @property {(target: number) => void} retarget the upstream port of connections made from now on
 * @property {() => Promise<void>} close
 */

/**
 * @param {number} targetPort upstream port on 127.0.0.1
 * @param {() => void} [onConnection]
 * @returns {Promise<ChaosProxy>}
 */
export async function startChaosProxy(targetPort, onConnection) {
  let target = targetPort;
  /** @type {Set<{ client: import('node:net').Socket, upstream: import('node:net').Socket }>} */
  const pairs = new Set();
  let stalled = false;
  const server = createServer((client) => {
    onConnection?.();
    const upstream = connect({ host: '127.0.0.1', port: target });
    const pair = { client, upstream };
    pairs.add(pair);
    const teardown = () => {
      pairs.delete(pair);
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
    if (stalled) {
      client.pause();
      upstream.pause();
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
  };
  return {
    port: address.port,
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
    stalled: () => stalled,
    retarget(port) {
      target = port;
    },
    async close() {
      cut();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
