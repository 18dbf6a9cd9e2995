/**
 * Target: the durable Socket.IO 4 peer (servers/socketio-postgres-server.mjs), on the same
 * PostgreSQL as Herald's, driven by the same socket.io-client code as the plain Socket.IO target.
 * Invariants: each run has its own schema (`sio_bench_<pid>_<time>`), dropped by `stop()`
 * whatever happened; its database CPU is every `postgres` process's, as for Herald on PostgreSQL.
 */
import { fileURLToPath } from 'node:url';
import { stallWatch } from '../loop-stalls.mjs';
import { pidsNamed } from '../proc-stats.mjs';
import { launchServer, readyJsonPort } from '../server-process.mjs';
import { dropSchema } from './herald.mjs';
import { connectSocketIo } from './socketio.mjs';

const script = fileURLToPath(new URL('../servers/socketio-postgres-server.mjs', import.meta.url));

/** @param {{ cpus: string | undefined, pgUrl: string, loopStalls?: boolean }} options @returns {import('./target.mjs').Target} */
export function socketIoPostgresTarget({ cpus, pgUrl, loopStalls = false }) {
  const stalls = stallWatch(loopStalls);
  const schema = `sio_bench_${process.pid}_${Date.now().toString(36)}`;
  /** @type {import('../server-process.mjs').ServerProcess | undefined} */
  let server;
  const errors = { count: 0, first: /** @type {string | undefined} */ (undefined) };
  const running = () => {
    if (!server) throw new Error('socketio-postgres: not started');
    return server;
  };
  /** Counts the server's `{"storeError":…}` lines (a message it could not store, so did not emit). @param {string} line */
  const onLine = (line) => {
    if (!line.startsWith('{"storeError"')) return;
    errors.count++;
    errors.first ??= JSON.parse(line).storeError;
  };
  return {
    name: 'socketio-postgres',
    label: 'Socket.IO 4 + PostgreSQL',
    pid: () => running().pid,
    databasePids: () => pidsNamed('postgres'),
    async start() {
      const env = { BENCH_PG_URL: pgUrl, BENCH_PG_SCHEMA: schema };
      server = await launchServer(
        stalls.launch({ label: 'Socket.IO + PostgreSQL server', args: [script], env, cpus, readyPort: readyJsonPort, onLine }),
      );
    },
    connect: (spec) => connectSocketIo(`http://127.0.0.1:${running().port}`, spec),
    stallEvents: stalls.events,
    errors: () => ({ ...errors }),
    async stop() {
      try {
        await server?.stop();
      } finally {
        await dropSchema(pgUrl, schema);
      }
    },
  };
}
