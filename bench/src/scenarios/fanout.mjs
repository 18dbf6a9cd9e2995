/**
 * Scenario B, fan-out: N subscribers in one room; one of them publishes at stepped rates.
 * Each step is an open-loop window followed by a drain; a step is sustained when every copy
 * arrived and p99 < 100 ms. Stepping stops at the first step that is not sustained (it gives up
 * early once deliveries run seconds behind, to keep the backlog small).
 */
import { connectAll } from '../connect-all.mjs';
import { DeliveryLedger, messageText } from '../delivery-ledger.mjs';
import { runOpenLoop } from '../open-loop.mjs';
import { waitIdle } from '../proc-stats.mjs';
import { startWindow } from './measure.mjs';

export const P99_LIMIT_MS = 100;

/**
 * @param {import('../targets/target.mjs').Target} target
 * @param {import('../plan.mjs').Plan} plan
 * @param {(line: string) => void} log
 * @returns {Promise<import('../results.mjs').FanoutResult>}
 */
export async function runFanout(target, plan, log) {
  const pid = target.pid();
  /** @type {DeliveryLedger | undefined} */
  let ledger;
  const onDeliver = (/** @type {number} */ id) => ledger?.deliver(id, performance.now());
  const opened = await connectAll(
    plan.fanoutSubscribers,
    (i) => target.connect({ user: i % plan.fanoutMembers, room: { kind: 'fanout' }, onDeliver }),
    plan.connectConcurrency,
  );
  const clients = opened.clients;
  try {
    const publisher = clients[0];
    if (opened.failures > 0 || !publisher) throw new Error(`fan-out: ${opened.failures} connections failed: ${opened.firstError}`);
    /** @type {import('../results.mjs').FanoutStep[]} */
    const steps = [];
    for (const rate of plan.rates) {
      await waitIdle(pid);
      const step = new DeliveryLedger(Math.ceil((rate * plan.stepMs) / 1000) + 1, plan.fanoutSubscribers);
      ledger = step;
      const window = startWindow(pid);
      const loop = await runOpenLoop({
        rate,
        durationMs: plan.stepMs,
        send: (i, dueAt) => publisher.publish(messageText(step.schedule(i, dueAt), plan.messageBytes)),
        shouldStop: (now) => step.oldestWaitMs(now) > plan.giveUpMs,
      });
      await step.settle(plan.drainMs);
      const row = window.finish(step, loop);
      const p99 = row.latencyMs.p99;
      const sustained = row.complete && !row.gaveUp && p99 !== null && p99 < P99_LIMIT_MS;
      steps.push({ rate, ...row, sustained });
      log(
        `  fan-out ${rate} msg/s: ${row.deliveredPerSec} deliveries/s, p99 ${p99} ms, ` +
          `missing ${row.missing}, server ${row.serverCpuPercent}% cpu, loadgen ${row.loadgenCpuPercent}%${sustained ? '' : '  (not sustained)'}`,
      );
      if (!sustained) break;
    }
    const best = steps.filter((s) => s.sustained).at(-1);
    return { subscribers: plan.fanoutSubscribers, maxSustainedRate: best ? best.rate : 0, steps };
  } finally {
    ledger = undefined;
    for (const client of clients) client?.close();
    await waitIdle(pid);
  }
}
