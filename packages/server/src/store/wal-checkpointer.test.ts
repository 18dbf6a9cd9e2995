import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { type CheckpointResult, WalCheckpointer } from './wal-checkpointer.js';

let dir: string;
let database: SQLite.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-wal-'));
  database = new SQLite(join(dir, 'w.db'));
  database.pragma('journal_mode = WAL');
  database.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
});

afterEach(() => {
  if (database.open) database.close();
  rmSync(dir, { recursive: true, force: true });
});

function writeRows(n: number): void {
  const insert = database.prepare('INSERT INTO t (body) VALUES (?)');
  for (let i = 0; i < n; i += 1) insert.run('x'.repeat(200));
}

const autocheckpoint = () => database.pragma('wal_autocheckpoint', { simple: true });

it('checkpoints the WAL from its own thread while the main connection never does', async () => {
  const checkpoints: CheckpointResult[] = [];
  let copied!: () => void;
  const done = new Promise<void>((resolve) => {
    copied = resolve;
  });
  const checkpointer = new WalCheckpointer({
    database,
    intervalMs: 20,
    onCheckpoint: (result) => {
      checkpoints.push(result);
      if (result.log > 0 && result.checkpointed === result.log) copied();
    },
  });
  expect(autocheckpoint()).toBe(0);
  const before = statSync(join(dir, 'w.db')).size;
  writeRows(3000); // 3,000 commits, each appending WAL frames that only the worker copies back
  await done;
  // The pages reached the database file, written by the worker.
  expect(statSync(join(dir, 'w.db')).size).toBeGreaterThan(before);
  expect(checkpoints.every((c) => c.busy === 0)).toBe(true);
  await checkpointer.stop();
  // Stopped on purpose: the main connection checkpoints itself again.
  expect(autocheckpoint()).toBe(1000);
});

it('hands checkpointing back to the main connection when the worker dies', async () => {
  let failed!: (error: Error) => void;
  const failure = new Promise<Error>((resolve) => {
    failed = resolve;
  });
  const checkpointer = new WalCheckpointer({ database, intervalMs: 1000, onFailed: (error) => failed(error) });
  expect(autocheckpoint()).toBe(0);
  await checkpointer.kill();
  expect((await failure).message).toMatch(/exited/);
  expect(autocheckpoint()).toBe(1000);
  await checkpointer.stop(); // harmless after a failure
});

it('keeps the process alive while it stops, though it never does while it runs', async () => {
  // An unreferenced worker keeps nothing alive; awaiting its exit must, or a script ending in
  // `await store.close()` exits (code 13) before the close resolves.
  const keepingAlive = () => process.getActiveResourcesInfo().filter((type) => type === 'MessagePort').length;
  const before = keepingAlive();
  const checkpointer = new WalCheckpointer({ database, intervalMs: 1000 });
  expect(keepingAlive()).toBe(before);
  const stopped = checkpointer.stop();
  expect(keepingAlive()).toBe(before + 1);
  await stopped;
  expect(keepingAlive()).toBe(before);
});
