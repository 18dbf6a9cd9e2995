/**
 * The durable Socket.IO 4 peer: what a careful team builds when it needs chat history. Same
 * handshake and rooms as socketio-server.mjs; each `m` event is stored before it is emitted:
 * one transaction (synchronous_commit as the server has it, on by default) that takes the room's
 * next seq from a per-room counter row (INSERT … ON CONFLICT DO UPDATE … RETURNING seq) and
 * INSERTs the message (room, seq, text, created_at); after COMMIT the stored message
 * `{ room, seq, text, createdAt }` is emitted to the whole room, sender included.
 * Invariants: messages of one room are stored and emitted one after the other (a promise chain per
 * room), so a room's emits are in seq order even though pool connections could commit out of
 * order; a message whose transaction fails is not emitted (the ledger counts it missing) and its
 * error is printed as a `{"storeError":…}` line.
 * Env: BENCH_PG_URL, BENCH_PG_SCHEMA (created here if missing, with its two tables; the target
 * drops it). Run: node socketio-postgres-server.mjs [port]; prints {"ready":true,"port":N}.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { startSocketIoPeer } from './socketio-base.mjs';

// The PostgreSQL driver Herald uses, resolved as @herald/server resolves it (not a bench dependency).
const serverPackage = fileURLToPath(new URL('../../../packages/server/package.json', import.meta.url));
/** @type {typeof import('pg')} */
const pg = createRequire(serverPackage)('pg');

const url = process.env.BENCH_PG_URL;
const schema = process.env.BENCH_PG_SCHEMA;
if (!url || !schema || !/^[a-z_][a-z0-9_]*$/.test(schema)) {
  console.error('BENCH_PG_URL and BENCH_PG_SCHEMA (lower-case identifier) are required');
  process.exit(2);
}

// Herald's pool size too (packages/server/src/store/postgres-dialect.ts).
const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path=${schema}` });
await pool.query(`
  CREATE SCHEMA IF NOT EXISTS ${schema};
  CREATE TABLE IF NOT EXISTS ${schema}.rooms (id text PRIMARY KEY, seq bigint NOT NULL);
  CREATE TABLE IF NOT EXISTS ${schema}.messages (
    room text NOT NULL, seq bigint NOT NULL, text text NOT NULL, created_at bigint NOT NULL,
    PRIMARY KEY (room, seq)
  )`);

/**
 * Store one message in its room's sequence; resolves with what is emitted.
 * @param {string} room @param {string} text
 */
async function store(room, text) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      'INSERT INTO rooms (id, seq) VALUES ($1, 1) ON CONFLICT (id) DO UPDATE SET seq = rooms.seq + 1 RETURNING seq',
      [room],
    );
    const seq = Number(rows[0]?.seq);
    const createdAt = Date.now();
    await client.query('INSERT INTO messages (room, seq, text, created_at) VALUES ($1, $2, $3, $4)', [room, seq, text, createdAt]);
    await client.query('COMMIT');
    return { room, seq, text, createdAt };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** @type {Map<string, Promise<void>>} the last message in flight of each room */
const chains = new Map();

const io = startSocketIoPeer({
  onMessage: (room, message) => {
    const text = message?.text;
    if (typeof text !== 'string') return;
    const next = (chains.get(room) ?? Promise.resolve())
      .then(() => store(room, text))
      .then(
        (stored) => {
          io.to(room).emit('m', stored);
        },
        (error) => console.log(JSON.stringify({ storeError: error instanceof Error ? error.message : String(error) })),
      );
    chains.set(room, next);
    // The chain's last link removes itself, so idle rooms hold nothing.
    next.then(() => {
      if (chains.get(room) === next) chains.delete(room);
    });
  },
  onStop: () => pool.end(),
});
