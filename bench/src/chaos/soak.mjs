/**
 * One soak on one backend: start the servers, register the users and their group conversations,
 * open the clients, send for `durationMs` while faults strike, then quiesce (faults stopped, every
 * process back, sending stopped; wait until every outbox is empty and every member has caught up
 * with the store, within `quiesceMs`), read every conversation back from the store and check the
 * ledger.
 * Invariants: the store read at the end is the truth the ledger is checked against; a quiesce that
 * times out is reported (which wait, how long) and leaves its state to the ledger (messages still
 * queued, deliveries missing), never hidden; every process, proxy and client is closed whatever
 * happens.
 */

import { heraldApi } from '../targets/herald-api.mjs';
import { startBackend } from './backend.mjs';
import { faultCosts } from './costs.mjs';
import { startFaults } from './faults.mjs';
import { checkLedger, Ledger, percentile } from './ledger.mjs';
import { openClients, startSending } from './load.mjs';
import { seededRng } from './rng.mjs';

/**
 * @typedef {object} SoakOptions
 * @property {number} durationMs
 * @property {number} clients
 * @property {number} conversations
 * @property {number} rate messages per second per client
 * @property {number} seed
 * @property {import('./faults.mjs').FaultKind[]} faults
 * @property {[number, number]} faultEveryMs
 * @property {[number, number]} stallMs
 * @property {[number, number]} downMs
 * @property {number} quiesceMs
 */

/**
 * @param {'sqlite' | 'cluster'} name
 * @param {SoakOptions} options
 * @param {{ repoRoot: string, log: (line: string) => void }} env
 */
export async function runSoak(name, options, { repoRoot, log }) {
  // Two streams: the load draws on every send, at times the machine decides; the fault schedule
  // must not depend on how many draws came before it, or the seed would not repeat it.
  const faultRng = seededRng(options.seed);
  const loadRng = seededRng(options.seed ^ 0x5bd1e995);
  const backend = await startBackend(name, repoRoot);
  const ledger = new Ledger();
  /** @type {import('./load.mjs').Detections} */
  const detections = { noticed: [], replaced: [] };
  /** @type {Record<string, number>} */
  const clientErrors = {};
  /** @type {import('./load.mjs').SoakClient[]} */
  let clients = [];
  try {
    const first = /** @type {import('./processes.mjs').Killable} */ (backend.nodes[0]);
    const api = heraldApi(`http://127.0.0.1:${first.port}`);
    log(`${name}: registering ${options.clients} users`);
    /** @type {Array<{ id: string, token: string }>} */
    const users = [];
    for (let i = 0; i < options.clients; i++) users.push(await api.register(i));
    // Client i follows conversations i and i+1 (mod C): each conversation has several members.
    const count = Math.max(1, Math.min(options.conversations, options.clients));
    /** @type {number[][]} */
    const membersOf = Array.from({ length: count }, () => []);
    users.forEach((_, i) => {
      for (const k of new Set([i % count, (i + 1) % count])) membersOf[k]?.push(i);
    });
    /** @type {Map<string, number[]>} */
    const members = new Map();
    /** @type {string[][]} */
    const memberships = users.map(() => []);
    for (const [k, list] of membersOf.entries()) {
      const owner = users[list[0] ?? 0];
      if (!owner) throw new Error('no conversation owner');
      const others = list.slice(1).map((i) => users[i]?.id ?? '');
      const id = await api.createGroup(owner.token, `chaos ${k}`, others);
      members.set(id, list);
      for (const i of list) memberships[i]?.push(id);
    }
    clients = await openClients({
      users,
      nodePorts: backend.nodes.map((n) => n.port),
      memberships,
      ledger,
      detections,
      errors: clientErrors,
    });
    log(
      `${name}: ${clients.length} clients, ${members.size} conversations, ${options.rate} msg/s each, ${options.durationMs / 1000} s, faults ${options.faults.join(',') || 'none'}`,
    );

    const stopSending = startSending(clients, { rate: options.rate, rng: loadRng, ledger });
    const faults = startFaults({
      kinds: options.faults,
      rng: faultRng,
      clients,
      nodes: backend.nodes,
      redis: backend.redis,
      everyMs: options.faultEveryMs,
      stallMs: options.stallMs,
      downMs: options.downMs,
      log: (line) => log(`${name}: ${line}`),
    });
    await new Promise((resolve) => setTimeout(resolve, options.durationMs)); // the soak's length, not synchronisation
    // On a loaded machine a slow recovery (a kill, say) can hold the first round up past a short
    // run's length: go on until every kind has struck, for at most twice the length again.
    await Promise.race([faults.struck, new Promise((resolve) => setTimeout(resolve, options.durationMs * 2))]);
    await faults.stop();
    stopSending();

    // Quiesce: outboxes empty, then every member caught up with the store.
    const quiesceStart = Date.now();
    const deadline = quiesceStart + options.quiesceMs;
    const outboxesEmpty = () => clients.every((c) => c.client.pendingMessages().length === 0);
    const emptied = await until(outboxesEmpty, deadline);
    let store = await readStore(`http://127.0.0.1:${first.port}`, users, members);
    const caughtUp = () =>
      [...store].every(([conversationId, bySeq]) => {
        const max = Math.max(0, ...bySeq.keys());
        return (members.get(conversationId) ?? []).every((i) => ledger.lastDelivered(i, conversationId) >= max);
      });
    const delivered = emptied && (await until(caughtUp, deadline));
    const quiesce = {
      ms: Date.now() - quiesceStart,
      timedOut: !emptied ? 'outbox' : !delivered ? 'delivery' : null,
    };
    store = await readStore(`http://127.0.0.1:${first.port}`, users, members);
    const queued = new Set(clients.flatMap((c) => c.client.pendingMessages().map((r) => r.id)));
    const check = checkLedger(ledger, store, members, queued);
    const { delaysMs, ...counts } = check;
    return {
      backend: name,
      ...counts,
      delay: { p50: percentile(delaysMs, 0.5), p99: percentile(delaysMs, 0.99), max: delaysMs.length ? Math.max(...delaysMs) : 0 },
      halfOpen: {
        stalls: faults.counts.stall ?? 0,
        detected: detections.replaced.length,
        undetected: faults.stalls.undetected,
        endedByQuiesce: faults.stalls.endedByQuiesce,
        ...spread(detections.replaced),
        noticed: spread(detections.noticed),
        replacedMs: detections.replaced,
      },
      faults: faults.counts,
      recoveries: faults.recoveries,
      costs: faultCosts(ledger, faults.windows),
      quiesce,
      clientErrors,
      clientsInError: clients.filter((c) => c.statuses.includes('error')).length,
    };
  } finally {
    for (const c of clients) {
      c.client.dispose();
      await c.proxy.close();
    }
    await backend.close();
  }
}

/** min / p50 / max of `values` (null each when there are none). @param {number[]} values */
function spread(values) {
  if (values.length === 0) return { min: null, p50: null, max: null };
  return { min: Math.min(...values), p50: percentile(values, 0.5), max: Math.max(...values) };
}

/** Poll `done` until it holds or `deadline` passes (no event covers "every outbox and every member"). @param {() => boolean} done @param {number} deadline */
async function until(done, deadline) {
  while (!done()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/**
 * Every message of every conversation, read from the server's store through REST history.
 * @param {string} baseUrl
 * @param {Array<{ id: string, token: string }>} users
 * @param {Map<string, number[]>} members
 * @returns {Promise<Map<string, Map<number, string>>>}
 */
async function readStore(baseUrl, users, members) {
  const { createRestClient } = await import('@herald/protocol');
  const rest = createRestClient({ baseUrl });
  /** @type {Map<string, Map<number, string>>} */
  const store = new Map();
  for (const [conversationId, list] of members) {
    const token = users[list[0] ?? 0]?.token ?? '';
    /** @type {Map<number, string>} */
    const bySeq = new Map();
    let after = 0;
    for (;;) {
      const page = await rest.conversations.history({ params: { id: conversationId }, query: { after, limit: 200 }, token });
      for (const message of page.messages) {
        bySeq.set(message.seq, message.clientId);
        after = Math.max(after, message.seq);
      }
      if (!page.hasMore || page.messages.length === 0) break;
    }
    store.set(conversationId, bySeq);
  }
  return store;
}
