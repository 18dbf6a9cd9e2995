/**
 * Target: the Socket.IO 4 server (servers/socketio-server.mjs), driven by the official
 * socket.io-client over the websocket transport only. A message is the `m` event `{ text }`.
 * With `cluster`, several such processes share rooms through `@socket.io/redis-adapter`, client
 * `slot` connects to process `slot % nodes`, and `relaunch` changes the number of processes.
 * `connectSocketIo` is the client half, shared with every Socket.IO-based target.
 */
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { messageIdOf } from '../delivery-ledger.mjs';
import { stallWatch } from '../loop-stalls.mjs';
import { launchServers, readyJsonPort } from '../server-process.mjs';
import { roomName } from './target.mjs';

const script = fileURLToPath(new URL('../servers/socketio-server.mjs', import.meta.url));

/**
 * One socket.io-client connection to `url` for a bench client: `{ text }` in and out on `m`.
 * @param {string} url e.g. http://127.0.0.1:3000
 * @param {import('./target.mjs').ClientSpec} spec
 * @returns {Promise<import('./target.mjs').BenchClient>}
 */
export function connectSocketIo(url, spec) {
  const socket = io(url, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: 30_000,
    auth: { token: `bench-user-${spec.user}` },
    query: { room: roomName(spec.room) },
  });
  socket.on('m', (message) => spec.onDeliver(messageIdOf(message.text)));
  let closing = false;
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => {
      socket.once('disconnect', (reason) => {
        if (!closing) spec.onDrop?.(`disconnected (${reason})`);
      });
      resolve({
        publish: (text) => {
          socket.emit('m', { text });
        },
        close: () => {
          closing = true;
          socket.disconnect();
        },
      });
    });
  });
}

/** @param {{ cpus: string | undefined, loopStalls?: boolean, cluster?: import('./target.mjs').ClusterOptions }} options @returns {import('./target.mjs').Target} */
export function socketIoTarget({ cpus, loopStalls = false, cluster }) {
  const stalls = stallWatch(loopStalls);
  /** @type {import('../server-process.mjs').ServerProcess[]} */
  let servers = [];
  const running = (/** @type {number} */ slot = 0) => {
    const server = servers[slot % Math.max(1, servers.length)];
    if (!server) throw new Error('socketio: not started');
    return server;
  };
  /** @type {Record<string, string>} */
  const env = cluster ? { BENCH_REDIS_URL: cluster.redisUrl } : {};
  /** @param {Array<string | undefined>} cpuLists one process per entry */
  const launchNodes = async (cpuLists) => {
    const launched = await launchServers(
      cpuLists.map((nodeCpus, i) => {
        const label = cluster ? `Socket.IO server ${i + 1}/${cpuLists.length}` : 'Socket.IO server';
        return stalls.launch({ label, args: [script], env, cpus: nodeCpus, readyPort: readyJsonPort });
      }),
    );
    servers.push(...launched);
  };
  const stopNodes = async () => {
    const stopping = servers;
    servers = [];
    await Promise.all(stopping.map((server) => server.stop()));
  };
  return {
    name: cluster ? 'socketio-redis' : 'socketio',
    label: cluster ? 'Socket.IO 4 + Redis adapter' : 'Socket.IO 4',
    pid: () => running().pid,
    serverPids: () => servers.map((server) => server.pid),
    databasePids: () => cluster?.extraDatabasePids?.() ?? [],
    start: () => launchNodes(cluster?.cpus ?? [cpus]),
    async relaunch(nodeCpus) {
      if (!cluster) throw new Error('socketio: relaunch is for a cluster');
      await stopNodes();
      await launchNodes(nodeCpus);
    },
    connect: (spec) => connectSocketIo(`http://127.0.0.1:${running(spec.slot).port}`, spec),
    stallEvents: stalls.events,
    errors: () => ({ count: 0, first: undefined }),
    stop: stopNodes,
  };
}
