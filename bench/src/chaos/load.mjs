/**
 * The soak's load: N SDK clients (`@herald/client`, built, with `ws`), each behind its own real TCP
 * proxy, each following its conversations from seq 0 and sending at a steady rate through its
 * outbox (`sendMessage`), every send and every delivery written to the ledger.
 * Invariants: SDK defaults (reconnect, heartbeat, probes, pacing) are used as shipped, so the soak
 * measures what an application gets; a send's client id is chosen here (the frame id), so the
 * ledger can find it in the store even when its ack is lost; half-open detection is timed from a
 * stall's start to the client's next connection through its proxy (its socket replaced), and to the
 * moment its status first left `connected` (the dead socket noticed); the load's random choices
 * come from their own stream (`rng`), never the fault schedule's.
 */
import WebSocket from 'ws';
import { startChaosProxy } from './tcp-proxy.mjs';

/**
 * @typedef {object} SoakClient
 * @property {number} index
 * @property {import('@herald/client').HeraldClient} client
 * @property {import('./tcp-proxy.mjs').ChaosProxy} proxy
 * @property {number} node the server node its proxy points at by default
 * @property {string[]} conversations
 * @property {number | undefined} stalledAt start of the stall not yet detected
 * @property {boolean} stallNoticed whether the status already left `connected` during that stall
 * @property {string[]} statuses every status it passed through
 * @property {number} connects how many times its status became `connected`
 * @property {(count: number, timeoutMs: number) => Promise<number | undefined>} connectedAgain when
 *   `connects` passes `count`: the time (Date.now) it did, or undefined after `timeoutMs`
 */

/** @typedef {{ noticed: number[], replaced: number[] }} Detections ms from a stall's start */

/**
 * @param {{ users: Array<{ id: string, token: string }>, nodePorts: number[], memberships: string[][],
 *           ledger: import('./ledger.mjs').Ledger, detections: Detections, errors: Record<string, number> }} options
 * @returns {Promise<SoakClient[]>}
 */
export async function openClients({ users, nodePorts, memberships, ledger, detections, errors }) {
  const { createClient } = await import('@herald/client');
  /** @type {SoakClient[]} */
  const clients = [];
  for (const [index, user] of users.entries()) {
    const node = index % nodePorts.length;
    /** @type {SoakClient} */
    const soak = /** @type {SoakClient} */ (
      /** @type {unknown} */ ({
        index,
        node,
        conversations: memberships[index] ?? [],
        stalledAt: undefined,
        stallNoticed: false,
        statuses: [],
        connects: 0,
      })
    );
    soak.proxy = await startChaosProxy(/** @type {number} */ (nodePorts[node]), () => {
      if (soak.stalledAt === undefined) return;
      detections.replaced.push(Date.now() - soak.stalledAt);
      soak.stalledAt = undefined;
    });
    soak.client = createClient({
      url: `ws://127.0.0.1:${soak.proxy.port}/ws`,
      credentials: () => user.token,
      device: { deviceType: 'desktop', deviceId: `chaos-${index}` },
      WebSocket: /** @type {import('@herald/client').WebSocketConstructor} */ (/** @type {unknown} */ (WebSocket)),
      onError: (error, context) => {
        const key = `${context.source}:${error.code}`;
        errors[key] = (errors[key] ?? 0) + 1;
      },
    });
    /** @type {Set<() => void>} */
    const onConnect = new Set();
    soak.connectedAgain = (count, timeoutMs) =>
      new Promise((resolve) => {
        if (soak.connects > count) return resolve(Date.now());
        const check = () => {
          if (soak.connects <= count) return;
          onConnect.delete(check);
          clearTimeout(timer);
          resolve(Date.now());
        };
        const timer = setTimeout(() => {
          onConnect.delete(check);
          resolve(undefined);
        }, timeoutMs);
        onConnect.add(check);
      });
    soak.client.subscribe((state, previous) => {
      if (state.status === previous.status) return;
      soak.statuses.push(state.status);
      if (state.status === 'connected') {
        soak.connects++;
        for (const check of [...onConnect]) check();
      }
      if (previous.status === 'connected' && soak.stalledAt !== undefined && !soak.stallNoticed) {
        soak.stallNoticed = true;
        detections.noticed.push(Date.now() - soak.stalledAt);
      }
    });
    soak.client.on('new_message', (frame) => ledger.delivered(index, frame.data.conversationId, frame.data.seq, frame.data.clientId));
    clients.push(soak);
  }
  await Promise.all(clients.map((c) => c.client.connect()));
  for (const c of clients) for (const conversationId of c.conversations) await c.client.subscribeConversation(conversationId, { since: 0 });
  return clients;
}

/**
 * Start sending: every client, `rate` messages a second, each to one of its conversations (chosen
 * by `rng`). Returns a stop function.
 * @param {SoakClient[]} clients
 * @param {{ rate: number, rng: import('./rng.mjs').Rng, ledger: import('./ledger.mjs').Ledger }} options
 */
export function startSending(clients, { rate, rng, ledger }) {
  let n = 0;
  const timers = clients.map((soak) =>
    setInterval(() => {
      const conversationId = rng.pick(soak.conversations);
      const clientId = `chaos-${soak.index}-${++n}`;
      const record = ledger.sent(clientId, soak.index, conversationId);
      soak.client.sendMessage(conversationId, { text: clientId }, { id: clientId }).then(
        (result) => {
          record.state = 'acked';
          record.seq = result.seq;
        },
        (/** @type {{ code?: string }} */ error) => {
          record.state = 'refused';
          record.code = String(error?.code ?? 'unknown');
        },
      );
    }, 1000 / rate),
  );
  return () => {
    for (const timer of timers) clearInterval(timer);
  };
}
