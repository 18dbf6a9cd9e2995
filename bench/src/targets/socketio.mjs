/**
 * Target: the Socket.IO 4 server (servers/socketio-server.mjs), driven by the official
 * socket.io-client over the websocket transport only. A message is the `m` event `{ text }`.
 */
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { messageIdOf } from '../delivery-ledger.mjs';
import { stallWatch } from '../loop-stalls.mjs';
import { launchServer, readyJsonPort } from '../server-process.mjs';
import { roomName } from './target.mjs';

const script = fileURLToPath(new URL('../servers/socketio-server.mjs', import.meta.url));

/** @param {{ cpus: string | undefined, loopStalls?: boolean }} options @returns {import('./target.mjs').Target} */
export function socketIoTarget({ cpus, loopStalls = false }) {
  const stalls = stallWatch(loopStalls);
  /** @type {import('../server-process.mjs').ServerProcess | undefined} */
  let server;
  const running = () => {
    if (!server) throw new Error('socketio: not started');
    return server;
  };
  return {
    name: 'socketio',
    label: 'Socket.IO 4',
    pid: () => running().pid,
    databasePids: () => [],
    async start() {
      server = await launchServer(stalls.launch({ label: 'Socket.IO server', args: [script], env: {}, cpus, readyPort: readyJsonPort }));
    },
    connect(spec) {
      const socket = io(`http://127.0.0.1:${running().port}`, {
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
    },
    stallEvents: stalls.events,
    errors: () => ({ count: 0, first: undefined }),
    async stop() {
      await server?.stop();
    },
  };
}
