/**
 * Preloaded (`node --require`) into a measured server by `--loop-stalls`: a 2 ms timer that notices
 * when the event loop came back late, and prints one line per stall to stdout:
 * `[loop-stall] <epoch ms when it began> <ms late>`. CommonJS so it loads into any Node process,
 * ESM or not. Invariants: it watches the main thread only (worker threads inherit `--require`,
 * and Herald's SQLite checkpoint worker blocks its own loop on purpose); it never keeps the
 * process alive; it prints nothing for lateness under 3 ms (timer jitter).
 */
'use strict';
const { writeSync } = require('node:fs');
const { performance } = require('node:perf_hooks');
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  const INTERVAL_MS = 2;
  const REPORT_FROM_MS = 3;
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const late = now - last - INTERVAL_MS;
    if (late >= REPORT_FROM_MS) {
      try {
        writeSync(1, `[loop-stall] ${Math.round(performance.timeOrigin + last)} ${late.toFixed(1)}\n`);
      } catch {
        // stdout closed: nothing to report to
      }
    }
    last = now;
  }, INTERVAL_MS);
  timer.unref();
}
