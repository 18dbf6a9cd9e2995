/**
 * Scenario C, chat: clients in two-person rooms, each sending one message every interval
 * (phases spread evenly, so the total is a steady stream). Every message must reach both sockets
 * of its room (the peer and the sender's own echo). A short unmeasured warm-up runs first so
 * caches (membership, prepared statements, JIT) are warm in every server alike.
 * Then `chatRounds` measured windows on the same connections: a p99 is set by its worst 1 %, and one
 * burst of other work on a shared machine can double it, so the row reports the round with the
 * median p99 (its latency and CPU figures) and keeps every round's p99; delivery counts cover all
 * rounds, so one lost message in any round still shows.
 */
import { connectAll } from '../connect-all.mjs';
import { DeliveryLedger, messageText } from '../delivery-ledger.mjs';
import { runOpenLoop } from '../open-loop.mjs';
import { waitAllIdle } from '../proc-stats.mjs';
import { serverPidsOf } from '../targets/target.mjs';
import { dropTracker, startWindow } from './measure.mjs';

/**
 * @param {import('../targets/target.mjs').Target} target
 * @param {import('../plan.mjs').Plan} plan
 * @param {Array<[number, number]>} pairs
 * @returns {Promise<import('../results.mjs').ChatResult>}
 */
export async function runChat(target, plan, pairs) {
  const pids = serverPidsOf(target);
  /** @type {DeliveryLedger | undefined} */
  let ledger;
  const onDeliver = (/** @type {number} */ id) => ledger?.deliver(id, performance.now());
  const drops = dropTracker();
  const opened = await connectAll(
    plan.chatClients,
    (j) => {
      const pair = pairs[j >> 1];
      if (!pair) throw new Error(`no pair for client ${j}`);
      return target.connect({
        user: j & 1 ? pair[1] : pair[0],
        room: { kind: 'pair', index: j >> 1 },
        onDeliver,
        onDrop: drops.onDrop,
        slot: j,
      });
    },
    plan.connectConcurrency,
  );
  const clients = opened.clients;
  try {
    if (opened.failures > 0) throw new Error(`chat: ${opened.failures} connections failed: ${opened.firstError}`);
    const rate = plan.chatClients / (plan.chatIntervalMs / 1000);
    const window = async (/** @type {number} */ durationMs) => {
      await waitAllIdle(pids);
      const droppedBefore = drops.count;
      const step = new DeliveryLedger(Math.ceil((rate * durationMs) / 1000) + 1, 2);
      ledger = step;
      const measure = startWindow(pids, target.databasePids(), target.stallEvents);
      const loop = await runOpenLoop({
        rate,
        durationMs,
        send: (i, dueAt) => clients[i % clients.length]?.publish(messageText(step.schedule(i, dueAt), plan.messageBytes)),
        shouldStop: (now) => step.oldestWaitMs(now) > plan.giveUpMs,
      });
      await step.settle(plan.drainMs);
      return measure.finish(step, loop, drops.count - droppedBefore);
    };
    await window(plan.chatWarmupMs);
    /** @type {import('../results.mjs').WindowResult[]} */
    const rounds = [];
    for (let r = 0; r < Math.max(1, plan.chatRounds); r++) rounds.push(await window(plan.chatMs));
    return { clients: plan.chatClients, rooms: plan.chatClients / 2, rate, ...combineRounds(rounds) };
  } finally {
    ledger = undefined;
    for (const client of clients) client?.close();
    await waitAllIdle(pids);
  }
}

/**
 * One row for several rounds: the median round by p99 for latency and CPU; sums (and "all
 * complete") for what was delivered.
 * @param {import('../results.mjs').WindowResult[]} rounds
 * @returns {import('../results.mjs').WindowResult & { roundsP99: (number | null)[] }}
 */
export function combineRounds(rounds) {
  const byP99 = [...rounds].sort((a, b) => (a.latencyMs.p99 ?? Number.POSITIVE_INFINITY) - (b.latencyMs.p99 ?? Number.POSITIVE_INFINITY));
  const median = /** @type {import('../results.mjs').WindowResult} */ (byP99[(byP99.length - 1) >> 1]);
  const sum = (/** @type {(r: import('../results.mjs').WindowResult) => number} */ pick) => rounds.reduce((n, r) => n + pick(r), 0);
  return {
    ...median,
    published: sum((r) => r.published),
    expectedDeliveries: sum((r) => r.expectedDeliveries),
    delivered: sum((r) => r.delivered),
    missing: sum((r) => r.missing),
    duplicates: sum((r) => r.duplicates),
    strays: sum((r) => r.strays),
    complete: rounds.every((r) => r.complete),
    gaveUp: rounds.some((r) => r.gaveUp),
    droppedConnections: sum((r) => r.droppedConnections),
    roundsP99: rounds.map((r) => r.latencyMs.p99),
    ...(median.loopStalls ? { roundsLongestStallMs: rounds.map((r) => r.loopStalls?.longestMs ?? null) } : {}),
  };
}
