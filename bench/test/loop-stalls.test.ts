/** `--loop-stalls`: the preloaded monitor in a real Node process, and one window's summary. */
import { spawn } from 'node:child_process';
import { expect, it } from 'vitest';
import { type LoopStall, parseStallLine, STALL_MONITOR, stallWatch, summariseStalls } from '../src/loop-stalls.mjs';

/** Runs `script` under the monitor; resolves with the stalls and the other lines it printed once it exits. */
function run(script: string): Promise<{ stalls: LoopStall[]; lines: string[] }> {
  const watch = stallWatch(true);
  const lines: string[] = [];
  // The options a target would hand to launchServer; here their args and line handler drive a plain child.
  const launch = watch.launch({
    label: 'child',
    args: ['-e', script],
    env: {},
    cpus: undefined,
    readyPort: () => undefined,
    onLine: (line) => lines.push(line),
  });
  expect(launch.args.slice(0, 2)).toEqual(['--require', STALL_MONITOR]);
  const child = spawn(process.execPath, launch.args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) launch.onLine?.(line);
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0 ? resolve({ stalls: watch.events?.() ?? [], lines }) : reject(new Error(`exited with ${code}`)),
    );
  });
}

it('reports a blocked event loop, with when it began and for how long', async () => {
  // Let the monitor tick, hold the loop for 60 ms, tick again, then exit (the monitor never keeps it alive).
  const { stalls, lines } = await run(
    `setTimeout(() => { console.log('blocking ' + Date.now()); const end = Date.now() + 60; while (Date.now() < end); setTimeout(() => {}, 20); }, 30);`,
  );
  expect(lines).toHaveLength(1);
  const blockedAt = Number(lines[0]?.split(' ')[1]);
  // The stall that holds the block began at the last tick before it (on a loaded machine that tick
  // may be well before) and lasted at least until the 60 ms block ended. The monitor dates ticks by
  // performance.timeOrigin + performance.now() and the script by Date.now(): the two clocks may
  // disagree by a millisecond (seen in CI: a stall dated 1 ms after the block), hence SKEW_MS.
  const SKEW_MS = 2;
  const block = stalls.find((s) => s.at <= blockedAt + SKEW_MS && s.at + s.ms >= blockedAt + 55);
  expect(block, JSON.stringify({ blockedAt, stalls })).toBeDefined();
  expect(block!.ms).toBeGreaterThanOrEqual(55);
});

it("watches the main thread only, not a worker thread that blocks its own loop (Herald's checkpointer does)", async () => {
  // The worker inherits --require; it holds its loop for 500 ms while the main thread stays free.
  // (Long, so a main-thread hiccup of a loaded machine — CI saw 60 ms — is not mistaken for it.)
  const worker = `const { parentPort } = require('node:worker_threads'); setTimeout(() => { const end = Date.now() + 500; while (Date.now() < end); parentPort.postMessage('done'); }, 30);`;
  const { stalls, lines } = await run(
    `const { Worker } = require('node:worker_threads'); const w = new Worker(${JSON.stringify(worker)}, { eval: true }); w.on('message', (m) => { console.log(m); w.terminate(); });`,
  );
  expect(lines).toEqual(['done']); // the worker ran and blocked
  expect(stalls.filter((s) => s.ms >= 400)).toEqual([]);
});

it('adds nothing to a server started without it', () => {
  const watch = stallWatch(false);
  const options = { label: 'server', args: ['server.mjs'], env: {}, cpus: undefined, readyPort: () => undefined };
  expect(watch.launch(options)).toBe(options);
  expect(watch.events).toBeUndefined();
  expect(STALL_MONITOR).toMatch(/loop-stall-monitor\.cjs$/);
});

it('reads only monitor lines', () => {
  expect(parseStallLine('[loop-stall] 1764460800000 12.5')).toEqual({ at: 1764460800000, ms: 12.5 });
  expect(parseStallLine('{"level":30,"msg":"herald listening"}')).toBeUndefined();
  expect(parseStallLine('[loop-stall] soon 3')).toBeUndefined();
});

it("sums up one window's stalls and leaves out those outside it", () => {
  const at = 1_000_000;
  const stalls = [
    { at: at - 1, ms: 80 }, // before the window
    { at, ms: 4 },
    { at: at + 100, ms: 6 },
    { at: at + 200, ms: 25 },
    { at: at + 300, ms: 55 },
    { at: at + 2_000, ms: 9 },
    { at: at + 2_001, ms: 90 }, // after it
  ];
  expect(summariseStalls(stalls, at, at + 2_000)).toEqual({
    over5ms: 4,
    over20ms: 2,
    over50ms: 1,
    longestMs: 55,
    lateMsPerSecond: (6 + 25 + 55 + 9) / 2,
  });
  expect(summariseStalls([], at, at + 1_000)).toEqual({ over5ms: 0, over20ms: 0, over50ms: 0, longestMs: 0, lateMsPerSecond: 0 });
});
