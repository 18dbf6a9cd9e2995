/**
 * Reads a process's CPU time and resident memory from /proc, so every server (Herald included)
 * is measured the same way, from outside, with no cooperation from the process.
 * Invariant: cpuNs sums every thread (GC helpers and the libuv pool count too); it uses
 * nanosecond schedstat when the kernel offers it and falls back to clock-tick utime+stime.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_NS = 1e9 / 100; // USER_HZ is 100 on every Linux we run on.

/**
 * On-CPU time of a process (summed over its threads) and run-queue wait of its main thread, in
 * nanoseconds. The wait is time the JavaScript thread was runnable but something else had the CPU:
 * another process on a shared machine, or (rarely) its own GC helper threads on the same pinned core.
 * NaN when the kernel gives no schedstat.
 * @param {number} pid
 */
export function schedTimes(pid) {
  try {
    let cpu = 0;
    let wait = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
      cpu += Number(fields[0]);
      if (tid === String(pid)) wait = Number(fields[1]);
    }
    if (cpu > 0) return { cpuNs: cpu, waitNs: wait };
  } catch {
    // A thread may exit between readdir and read, or schedstat may be missing: use /proc/<pid>/stat.
  }
  return { cpuNs: statCpuNs(pid), waitNs: Number.NaN };
}

/** Total on-CPU time of a process, in nanoseconds. @param {number} pid */
export function cpuNs(pid) {
  return schedTimes(pid).cpuNs;
}

/** @param {number} pid */
function statCpuNs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[11]) + Number(rest[12])) * TICK_NS;
}

/** Resident set size of a process, in bytes. */
/** Pids of the processes whose command name is `name` (e.g. every `postgres` backend). @param {string} name */
export function pidsNamed(name) {
  /** @type {number[]} */
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // The process exited while we looked.
    }
  }
  return pids;
}

/**
 * A CPU stopwatch over several processes (e.g. PostgreSQL backends): `elapsedNs()` is the CPU they
 * used since the start. A process that exits meanwhile counts 0 (its last interval is lost).
 * @param {number[]} pids
 */
export function groupCpuMeter(pids) {
  /** @type {Map<number, number>} */
  const start = new Map();
  for (const pid of pids) {
    try {
      start.set(pid, cpuNs(pid));
    } catch {
      // Exited already.
    }
  }
  return {
    elapsedNs() {
      let total = 0;
      for (const [pid, before] of start) {
        try {
          total += cpuNs(pid) - before;
        } catch {
          // Exited.
        }
      }
      return total;
    },
  };
}

/** @param {number} pid */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/** A CPU stopwatch for one process: `lap()` returns ns of CPU, ns of run-queue wait and ms of wall time since the last lap. */
/** @param {number} pid */
export function cpuMeter(pid) {
  let last = schedTimes(pid);
  let wall = performance.now();
  return {
    lap() {
      const now = schedTimes(pid);
      const nowWall = performance.now();
      const result = { cpuNs: now.cpuNs - last.cpuNs, waitNs: now.waitNs - last.waitNs, wallMs: nowWall - wall };
      last = now;
      wall = nowWall;
      return result;
    },
  };
}

/**
 * Wait until a process uses less than `threshold` of one core over a 250 ms window (its backlog is
 * done), or until `timeoutMs`. Returns the last window's usage.
 */
/** @param {number} pid */
export async function waitIdle(pid, { threshold = 0.05, timeoutMs = 20_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const meter = cpuMeter(pid);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const { cpuNs: used, wallMs } = meter.lap();
    const usage = used / 1e6 / wallMs;
    if (usage < threshold || performance.now() > deadline) return usage;
  }
}

/** waitIdle for every process of a cluster, side by side (each over its own windows). @param {number[]} pids */
export async function waitAllIdle(pids) {
  await Promise.all(pids.map((pid) => waitIdle(pid)));
}
