/**
 * The numbers every traffic scenario reports for one measured window: deliveries, latency,
 * server CPU per delivery and the load generator's own CPU (so a saturated generator is visible),
 * plus how long each was runnable but kept off its CPU by other processes (a shared machine).
 */
import { summariseStalls } from '../loop-stalls.mjs';
import { cpuMeter, groupCpuMeter } from '../proc-stats.mjs';

/**
 * Start measuring a window; `finish` turns a ledger and the publish loop's timing into the report row.
 * @param {number[]} pids the server's processes (one, or a cluster's nodes: their CPU is summed)
 * @param {number[]} databasePids processes doing the server's database work (PostgreSQL backends), measured apart
 * @param {(() => import('../loop-stalls.mjs').LoopStall[]) | undefined} [stalls] the server's event-loop stalls (under `--loop-stalls`)
 */
export function startWindow(pids, databasePids, stalls) {
  const startedAt = Date.now();
  const server = sumMeter(pids.map(cpuMeter));
  const loadgen = cpuMeter(process.pid);
  const database = groupCpuMeter(databasePids);
  return {
    /**
     * @param {import('../delivery-ledger.mjs').DeliveryLedger} ledger
     * @param {{ startedAt: number, endedAt: number, stopped: boolean }} loop
     * @param {number} droppedConnections connections the server ended during the window
     * @returns {import('../results.mjs').WindowResult}
     */
    finish(ledger, loop, droppedConnections) {
      const { cpuNs, waitNs, wallMs } = server.lap();
      const own = loadgen.lap();
      const databaseNs = databasePids.length ? database.elapsedNs() : null;
      const summary = ledger.summary();
      const activeMs = Math.max(ledger.lastDeliveryAt, loop.endedAt) - loop.startedAt;
      return {
        ...summary,
        gaveUp: loop.stopped,
        droppedConnections,
        deliveredPerSec: Math.round(summary.delivered / (activeMs / 1000)),
        serverCpuPercent: round1((cpuNs / 1e6 / wallMs) * 100),
        serverCpuUsPerDelivery: summary.delivered ? round2(cpuNs / 1e3 / summary.delivered) : null,
        serverCpuWaitPercent: round1((waitNs / 1e6 / wallMs) * 100),
        databaseCpuPercent: databaseNs === null ? null : round1((databaseNs / 1e6 / wallMs) * 100),
        databaseCpuUsPerDelivery: databaseNs === null || !summary.delivered ? null : round2(databaseNs / 1e3 / summary.delivered),
        loadgenCpuPercent: round1((own.cpuNs / 1e6 / wallMs) * 100),
        loadgenCpuWaitPercent: round1((own.waitNs / 1e6 / wallMs) * 100),
        ...(stalls ? { loopStalls: summariseStalls(stalls(), startedAt, Date.now()) } : {}),
      };
    },
  };
}

/**
 * One stopwatch over several processes' stopwatches: CPU and run-queue wait are summed (a
 * cluster's nodes), wall time is the first one's.
 * @param {Array<ReturnType<typeof cpuMeter>>} meters
 */
function sumMeter(meters) {
  return {
    lap() {
      const laps = meters.map((meter) => meter.lap());
      return {
        cpuNs: laps.reduce((n, lap) => n + lap.cpuNs, 0),
        waitNs: laps.reduce((n, lap) => n + lap.waitNs, 0),
        wallMs: laps[0]?.wallMs ?? 0,
      };
    },
  };
}

/** Counts connections the server ended during a scenario; `onDrop` goes into each ClientSpec. */
export function dropTracker() {
  const drops = {
    count: 0,
    /** @type {string | undefined} */
    first: undefined,
    onDrop: (/** @type {string} */ reason) => {
      drops.count++;
      drops.first ??= reason;
    },
  };
  return drops;
}

export const round1 = (/** @type {number} */ n) => Math.round(n * 10) / 10;
export const round2 = (/** @type {number} */ n) => Math.round(n * 100) / 100;
export const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
