/**
 * Scenario C, chat: clients in two-person rooms, each sending one message every interval
 * (phases spread evenly, so the total is a steady stream). Every message must reach both sockets
 * of its room (the peer and the sender's own echo). A short unmeasured warm-up runs first so
 * caches (membership, prepared statements, JIT) are warm in every server alike.
 */
import { connectAll } from '../connect-all.mjs';
import { DeliveryLedger, messageText } from '../delivery-ledger.mjs';
import { runOpenLoop } from '../open-loop.mjs';
import { waitIdle } from '../proc-stats.mjs';
import { dropTracker, startWindow } from './measure.mjs';

/**
 * @param {import('../targets/target.mjs').Target} target
 * @param {import('../plan.mjs').Plan} plan
 * @param {Array<[number, number]>} pairs
 * @returns {Promise<import('../results.mjs').ChatResult>}
 */
export async function runChat(target, plan, pairs) {
  const pid = target.pid();
  /** @type {DeliveryLedger | undefined} */
  let ledger;
  const onDeliver = (/** @type {number} */ id) => ledger?.deliver(id, performance.now());
  const drops = dropTracker();
  const opened = await connectAll(
    plan.chatClients,
    (j) => {
      const pair = pairs[j >> 1];
      if (!pair) throw new Error(`no pair for client ${j}`);
      return target.connect({ user: j & 1 ? pair[1] : pair[0], room: { kind: 'pair', index: j >> 1 }, onDeliver, onDrop: drops.onDrop });
    },
    plan.connectConcurrency,
  );
  const clients = opened.clients;
  try {
    if (opened.failures > 0) throw new Error(`chat: ${opened.failures} connections failed: ${opened.firstError}`);
    const rate = plan.chatClients / (plan.chatIntervalMs / 1000);
    const window = async (/** @type {number} */ durationMs) => {
      await waitIdle(pid);
      const droppedBefore = drops.count;
      const step = new DeliveryLedger(Math.ceil((rate * durationMs) / 1000) + 1, 2);
      ledger = step;
      const measure = startWindow(pid, target.databasePids());
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
    const row = await window(plan.chatMs);
    return { clients: plan.chatClients, rooms: plan.chatClients / 2, rate, ...row };
  } finally {
    ledger = undefined;
    for (const client of clients) client?.close();
    await waitIdle(pid);
  }
}
