/**
 * Scenario B, fan-out: N subscribers in one room; one of them publishes at stepped rates.
 * Each step is an open-loop window followed by a drain; a step is sustained when every copy
 * arrived and p99 < 100 ms. A step that is not sustained is measured again (`stepRetries`, for
 * noise on a shared machine), then stepping stops (a failing step gives up early once deliveries
 * run seconds behind, to keep the backlog small). A connection the server drops ends the scenario.
 */
import { connectAll } from '../connect-all.mjs';
import { DeliveryLedger, messageText } from '../delivery-ledger.mjs';
import { runOpenLoop } from '../open-loop.mjs';
import { waitAllIdle } from '../proc-stats.mjs';
import { serverPidsOf } from '../targets/target.mjs';
import { dropTracker, startWindow } from './measure.mjs';

export const P99_LIMIT_MS = 100;

/**
 * @param {import('../targets/target.mjs').Target} target
 * @param {import('../plan.mjs').Plan} plan
 * @param {(line: string) => void} log
 * @returns {Promise<import('../results.mjs').FanoutResult>}
 */
export async function runFanout(target, plan, log) {
  const pids = serverPidsOf(target);
  /** @type {DeliveryLedger | undefined} */
  let ledger;
  const onDeliver = (/** @type {number} */ id) => ledger?.deliver(id, performance.now());
  const drops = dropTracker();
  const opened = await connectAll(
    plan.fanoutSubscribers,
    (i) => target.connect({ user: i % plan.fanoutMembers, room: { kind: 'fanout' }, onDeliver, onDrop: drops.onDrop, slot: i }),
    plan.connectConcurrency,
  );
  const clients = opened.clients;
  try {
    const publisher = clients[0];
    if (opened.failures > 0 || !publisher) throw new Error(`fan-out: ${opened.failures} connections failed: ${opened.firstError}`);
    /** @param {number} rate @param {number} attempts @returns {Promise<import('../results.mjs').FanoutStep>} */
    const measure = async (rate, attempts) => {
      await waitAllIdle(pids);
      const droppedBefore = drops.count;
      const step = new DeliveryLedger(Math.ceil((rate * plan.stepMs) / 1000) + 1, plan.fanoutSubscribers);
      ledger = step;
      const window = startWindow(pids, target.databasePids(), target.stallEvents);
      const loop = await runOpenLoop({
        rate,
        durationMs: plan.stepMs,
        send: (i, dueAt) => publisher.publish(messageText(step.schedule(i, dueAt), plan.messageBytes)),
        shouldStop: (now) => step.oldestWaitMs(now) > plan.giveUpMs,
      });
      await step.settle(plan.drainMs);
      const row = window.finish(step, loop, drops.count - droppedBefore);
      const p99 = row.latencyMs.p99;
      const sustained = row.complete && !row.gaveUp && p99 !== null && p99 < P99_LIMIT_MS;
      log(
        `  fan-out ${rate} msg/s: ${row.deliveredPerSec} deliveries/s, p99 ${p99} ms, missing ${row.missing}, ` +
          `server ${row.serverCpuPercent}% cpu (wait ${row.serverCpuWaitPercent}%), loadgen ${row.loadgenCpuPercent}%` +
          `${row.droppedConnections ? `, ${row.droppedConnections} dropped` : ''}${sustained ? '' : '  (not sustained)'}`,
      );
      return { rate, ...row, sustained, attempts };
    };
    /** @type {import('../results.mjs').FanoutStep[]} */
    const steps = [];
    for (const rate of plan.rates) {
      let step = await measure(rate, 1);
      for (let attempt = 2; !step.sustained && drops.count === 0 && attempt <= plan.stepRetries + 1; attempt++) {
        step = await measure(rate, attempt);
      }
      steps.push(step);
      if (!step.sustained) break;
    }
    const best = steps.filter((s) => s.sustained).at(-1);
    // What one full core would carry at the CPU cost per delivery of the busiest complete step:
    // independent of the load generator's own limit (see docs/performance.md).
    const busiest = steps.filter((s) => s.complete && s.serverCpuUsPerDelivery).at(-1);
    const projectedRate = busiest?.serverCpuUsPerDelivery
      ? Math.round(1e6 / busiest.serverCpuUsPerDelivery / plan.fanoutSubscribers)
      : null;
    return {
      subscribers: plan.fanoutSubscribers,
      maxSustainedRate: best ? best.rate : 0,
      projectedRate,
      steps,
      ...(drops.first ? { firstDrop: drops.first } : {}),
    };
  } finally {
    ledger = undefined;
    for (const client of clients) client?.close();
    await waitAllIdle(pids);
  }
}
