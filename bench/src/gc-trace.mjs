/**
 * `--gc-trace`: Herald's measured server runs with V8's `--trace-gc-nvp`, and each scenario reports
 * what its garbage collector did: how much each scavenge promoted to the old generation (objects
 * that outlive two scavenges, the growth that brings on full collections) and the full collections
 * and their pauses. Those figures move long before latency does, so a change's effect on them can
 * be judged in one run.
 * Invariants: only the main isolate's lines count (the SQLite checkpoint worker has its own heap);
 * a line that is not a GC trace line is ignored.
 */

/**
 * @typedef {object} GcEvent
 * @property {string} isolate the V8 isolate ("[pid:0x…]"): the main thread and each worker differ
 * @property {number} ms milliseconds since the process started
 * @property {string} kind "s" scavenge, "mc" mark-compact, "ms" minor mark-sweep, …
 * @property {number} pauseMs
 * @property {number} promotedBytes
 */

/** One `--trace-gc-nvp` line, or undefined for any other line. @param {string} line @returns {GcEvent | undefined} */
export function parseGcLine(line) {
  const head = /^(\[\d+:0x[0-9a-f]+\])\s+(\d+) ms: pause=([\d.]+) .*?\bgc=(\w+) /.exec(line);
  if (!head) return undefined;
  const promoted = /\bpromoted=(\d+)/.exec(line);
  return {
    isolate: /** @type {string} */ (head[1]),
    ms: Number(head[2]),
    kind: /** @type {string} */ (head[4]),
    pauseMs: Number(head[3]),
    promotedBytes: promoted ? Number(promoted[1]) : 0,
  };
}

/** The isolate with the most events: the server's main thread. @param {GcEvent[]} events */
export function mainIsolate(events) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const event of events) counts.set(event.isolate, (counts.get(event.isolate) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
}

/**
 * What the main isolate's collector did over some events (one scenario's, which lasted `seconds`).
 * @param {GcEvent[]} events @param {string | undefined} isolate @param {number} seconds
 */
export function summariseGc(events, isolate, seconds) {
  const mine = events.filter((e) => e.isolate === isolate);
  const scavenges = mine.filter((e) => e.kind === 's');
  const full = mine.filter((e) => e.kind === 'mc' || e.kind === 'mmc');
  const promoted = scavenges.map((e) => e.promotedBytes).sort((a, b) => a - b);
  const round = (/** @type {number} */ n) => Math.round(n * 10) / 10;
  return {
    scavenges: scavenges.length,
    promotedKiBPerScavengeMedian: promoted.length ? round((promoted[Math.floor(promoted.length / 2)] ?? 0) / 1024) : 0,
    promotedKiBPerSecond: seconds > 0 ? round(promoted.reduce((a, b) => a + b, 0) / 1024 / seconds) : 0,
    scavengePauseMsMax: round(Math.max(0, ...scavenges.map((e) => e.pauseMs))),
    fullCollections: full.length,
    fullPauseMsMax: round(Math.max(0, ...full.map((e) => e.pauseMs))),
  };
}
