/**
 * WalCheckpointer: runs SQLite's WAL checkpoints on a worker thread with its own connection.
 * SQLite's automatic checkpoint runs inside whichever COMMIT crosses 1,000 WAL pages and copies
 * pages and fsyncs the database on the event loop: a 5–15 ms stall every second or so under chat
 * load, most of Herald's p99. With the main connection's autocheckpoint off, a PASSIVE checkpoint
 * here never blocks the writer (WAL readers and one writer run alongside a checkpoint).
 * Invariants: exactly one of (this worker, the main connection's autocheckpoint) checkpoints: the
 * main connection's autocheckpoint is off only while the worker runs, and back on the moment it
 * stops or fails.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type SQLite from 'better-sqlite3';

/** SQLite's default threshold (WAL pages) for the main connection's own checkpoints. */
const AUTOCHECKPOINT_PAGES = 1000;

/** One checkpoint's outcome, as `PRAGMA wal_checkpoint` reports it (pages). */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

export interface WalCheckpointerOptions {
  /** The main connection, open on a file in WAL mode. */
  database: SQLite.Database;
  /** How often to checkpoint (ms). */
  intervalMs?: number;
  /** Each checkpoint that had pages to copy. */
  onCheckpoint?: (result: CheckpointResult) => void;
  /** The worker ended without `stop()` (error or exit); the main connection checkpoints again. */
  onFailed?: (error: Error) => void;
}

// Plain CommonJS for an eval worker: the package may run from TypeScript sources (tests), and a
// worker cannot load those. The driver's path is resolved here and passed in.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  if (result && result.log > 0) parentPort.postMessage(result);
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private stopping = false;

  constructor(options: WalCheckpointerOptions) {
    const { database } = options;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    database.pragma('wal_autocheckpoint = 0');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file: database.name, intervalMs: options.intervalMs ?? 200 },
    });
    this.worker.on('message', (result: CheckpointResult) => options.onCheckpoint?.(result));
    let failure: Error | undefined;
    this.worker.on('error', (error) => {
      failure = error;
    });
    this.worker.on('exit', (code) => {
      if (database.open) database.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      if (!this.stopping) options.onFailed?.(failure ?? new Error(`WAL checkpoint worker exited with code ${code}`));
    });
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    // A checkpointer must never keep a process alive. After the listeners: adding a 'message'
    // listener references the worker's port again.
    this.worker.unref();
  }

  private readonly exited: Promise<void>;

  /** Ends the worker after its current checkpoint (an interrupted checkpoint is safe anyway). */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      // Referenced again while it winds down: otherwise a script whose last work is closing the
      // store has nothing keeping it alive, and Node exits (code 13) before `stop()` resolves.
      this.worker.ref();
      this.worker.postMessage('stop');
    }
    return this.exited;
  }

  /** For tests: end the worker as a crash would. */
  kill(): Promise<number> {
    return this.worker.terminate();
  }
}
