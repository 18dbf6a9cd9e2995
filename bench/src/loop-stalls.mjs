/**
 * `--loop-stalls`: every measured server (Herald, Socket.IO, raw ws) runs with
 * loop-stall-monitor.cjs preloaded, and each scenario reports how often and how long the server's
 * event loop was held: the periodic stalls (a burst of timers, a collection, a wave of pings)
 * that set the worst latencies but vanish in a CPU profile's averages.
 * Invariants: a line that is not a stall line is ignored; a scenario counts the stalls that began
 * between its start and end (wall-clock, the monitor's timestamps).
 */
import { fileURLToPath } from 'node:url';

/** Absolute path of the preload, for `node --require`. */
export const STALL_MONITOR = fileURLToPath(new URL('./loop-stall-monitor.cjs', import.meta.url));

/**
 * @typedef {object} LoopStall
 * @property {number} at epoch milliseconds when the late stretch began
 * @property {number} ms how late the loop came back
 */

/** One monitor line, or undefined for any other line. @param {string} line @returns {LoopStall | undefined} */
export function parseStallLine(line) {
  const match = /^\[loop-stall\] (\d+) ([\d.]+)$/.exec(line);
  return match ? { at: Number(match[1]), ms: Number(match[2]) } : undefined;
}

/**
 * What one scenario's stalls came to: how many passed 5, 20 and 50 ms, the longest, and the
 * milliseconds per second the loop spent late by 5 ms or more.
 * @param {LoopStall[]} stalls @param {number} from epoch ms @param {number} to epoch ms
 */
export function summariseStalls(stalls, from, to) {
  const mine = stalls.filter((s) => s.at >= from && s.at <= to);
  const over = (/** @type {number} */ ms) => mine.filter((s) => s.ms >= ms).length;
  const seconds = Math.max(0.001, (to - from) / 1000);
  const lateMs = mine.filter((s) => s.ms >= 5).reduce((sum, s) => sum + s.ms, 0);
  return {
    over5ms: over(5),
    over20ms: over(20),
    over50ms: over(50),
    longestMs: Math.round(Math.max(0, ...mine.map((s) => s.ms)) * 10) / 10,
    lateMsPerSecond: Math.round((lateMs / seconds) * 10) / 10,
  };
}

/**
 * A target's side of it: `launch` adds the monitor's preload to a server's launch options and
 * collects its lines (next to the target's own `onLine`); `events` returns the stalls so far, or
 * is undefined when the option is off (then `launch` changes nothing).
 * @param {boolean} enabled
 */
export function stallWatch(enabled) {
  /** @type {LoopStall[]} */
  const events = [];
  return {
    /** @param {import('./server-process.mjs').LaunchOptions} options @returns {import('./server-process.mjs').LaunchOptions} */
    launch(options) {
      if (!enabled) return options;
      return {
        ...options,
        args: ['--require', STALL_MONITOR, ...options.args],
        onLine(line) {
          const stall = parseStallLine(line);
          if (stall) events.push(stall);
          else options.onLine?.(line);
        },
      };
    },
    events: enabled ? () => events : undefined,
  };
}
