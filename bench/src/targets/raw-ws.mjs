/**
 * Target: the raw `ws` broadcast server (servers/raw-ws-server.mjs). A message is the JSON
 * `{"text":...}`, forwarded unchanged to the room.
 */
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { messageIdInJson } from '../delivery-ledger.mjs';
import { stallWatch } from '../loop-stalls.mjs';
import { launchServer, readyJsonPort } from '../server-process.mjs';
import { roomName } from './target.mjs';

const script = fileURLToPath(new URL('../servers/raw-ws-server.mjs', import.meta.url));

/** @param {{ cpus: string | undefined, loopStalls?: boolean }} options @returns {import('./target.mjs').Target} */
export function rawWsTarget({ cpus, loopStalls = false }) {
  const stalls = stallWatch(loopStalls);
  /** @type {import('../server-process.mjs').ServerProcess | undefined} */
  let server;
  const running = () => {
    if (!server) throw new Error('raw-ws: not started');
    return server;
  };
  return {
    name: 'raw-ws',
    label: 'raw ws',
    pid: () => running().pid,
    databasePids: () => [],
    async start() {
      server = await launchServer(stalls.launch({ label: 'raw ws server', args: [script], env: {}, cpus, readyPort: readyJsonPort }));
    },
    connect(spec) {
      const url = `ws://127.0.0.1:${running().port}/?room=${roomName(spec.room)}`;
      const socket = new WebSocket(url, { perMessageDeflate: false });
      socket.on('message', (data) => spec.onDeliver(messageIdInJson(/** @type {Buffer} */ (data))));
      let closing = false;
      return new Promise((resolve, reject) => {
        socket.once('error', reject);
        socket.once('open', () => {
          socket.on('error', () => undefined);
          socket.once('close', (code) => {
            if (!closing) spec.onDrop?.(`closed by server (${code})`);
          });
          resolve({
            publish: (text) => socket.send(JSON.stringify({ text })),
            close: () => {
              closing = true;
              socket.terminate();
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
