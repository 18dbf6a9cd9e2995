/**
 * The soak's ledger: what was sent, what the server accepted, what each member received, and the
 * check at the end. A send is *accepted* when its ack came back or the store holds its client id
 * (an ack lost with a dying socket still counts: the message exists). Every accepted message must
 * reach every member client exactly once, in seq order, with no seq missing.
 * Invariants: every send ends in exactly one bucket (acked, stored without ack, refused, still in
 * an outbox, or unaccounted), so nothing is silently ignored; a client-side state left at the end
 * (a message still queued after the quiesce timeout) is reported as such and fails the run.
 */

/**
 * @typedef {object} SendRecord
 * @property {number} client index of the sending client
 * @property {string} conversationId
 * @property {number} sentAt ms (Date.now) when sendMessage was called
 * @property {'pending' | 'acked' | 'refused'} state
 * @property {number} [seq] the acked seq
 * @property {string} [code] the refusal's error code
 */

/** @typedef {{ seq: number, clientId: string, at: number }} Delivery */

export class Ledger {
  /** @type {Map<string, SendRecord>} by client id (the send's frame id) */
  sends = new Map();
  /** @type {Map<number, Map<string, Delivery[]>>} client → conversation → deliveries in handler order */
  deliveries = new Map();

  /** @param {string} clientId @param {number} client @param {string} conversationId */
  sent(clientId, client, conversationId) {
    /** @type {SendRecord} */
    const record = { client, conversationId, sentAt: Date.now(), state: 'pending' };
    this.sends.set(clientId, record);
    return record;
  }

  /** @param {number} client @param {string} conversationId @param {number} seq @param {string} clientId */
  delivered(client, conversationId, seq, clientId) {
    let byConversation = this.deliveries.get(client);
    if (!byConversation) {
      byConversation = new Map();
      this.deliveries.set(client, byConversation);
    }
    let list = byConversation.get(conversationId);
    if (!list) {
      list = [];
      byConversation.set(conversationId, list);
    }
    list.push({ seq, clientId, at: Date.now() });
  }

  /** The highest seq client `client` got in `conversationId` (0 when none). @param {number} client @param {string} conversationId */
  lastDelivered(client, conversationId) {
    const list = this.deliveries.get(client)?.get(conversationId) ?? [];
    let max = 0;
    for (const d of list) if (d.seq > max) max = d.seq;
    return max;
  }
}

/**
 * @typedef {object} LedgerCheck
 * @property {number} sent
 * @property {number} acked
 * @property {number} storedWithoutAck accepted: in the store, but no ack reached the client
 * @property {number} accepted acked + storedWithoutAck
 * @property {number} refused promise rejections (each also in refusedByCode)
 * @property {Record<string, number>} refusedByCode
 * @property {number} refusedButStored refused, yet the store holds it (a refusal that lied)
 * @property {number} stillQueued not stored, still in its client's outbox after the quiesce
 * @property {number} unaccounted not stored, not refused, not in any outbox: the client forgot it
 * @property {number} ackedNotStored acked, but the store does not hold it (or at another seq)
 * @property {number} expectedDeliveries accepted messages × their member clients
 * @property {number} delivered distinct (member, message) pairs received
 * @property {number} lost expected deliveries that never came
 * @property {number} duplicated deliveries beyond the first of the same seq
 * @property {number} reordered deliveries with a seq lower than one delivered before
 * @property {number} phantom deliveries of a seq the store does not have
 * @property {number} storeGaps seqs missing in the store itself (1..max)
 * @property {number[]} delaysMs send → handler time of every first delivery of a known send
 * @property {boolean} ok
 */

/**
 * @param {Ledger} ledger
 * @param {Map<string, Map<number, string>>} store conversation → seq → client id, read back from the server
 * @param {Map<string, number[]>} members conversation → member client indexes
 * @param {Set<string>} queued client ids still in some outbox at the end
 * @returns {LedgerCheck}
 */
export function checkLedger(ledger, store, members, queued) {
  /** @type {Map<string, { conversationId: string, seq: number }>} */
  const storedByClientId = new Map();
  let storeGaps = 0;
  for (const [conversationId, bySeq] of store) {
    const max = Math.max(0, ...bySeq.keys());
    storeGaps += max - bySeq.size;
    for (const [seq, clientId] of bySeq) storedByClientId.set(clientId, { conversationId, seq });
  }
  const result = {
    sent: ledger.sends.size,
    acked: 0,
    storedWithoutAck: 0,
    accepted: 0,
    refused: 0,
    /** @type {Record<string, number>} */
    refusedByCode: {},
    refusedButStored: 0,
    stillQueued: 0,
    unaccounted: 0,
    ackedNotStored: 0,
    expectedDeliveries: 0,
    delivered: 0,
    lost: 0,
    duplicated: 0,
    reordered: 0,
    phantom: 0,
    storeGaps,
    /** @type {number[]} */
    delaysMs: [],
    ok: false,
  };
  for (const [clientId, send] of ledger.sends) {
    const stored = storedByClientId.get(clientId);
    if (send.state === 'acked') {
      result.acked++;
      if (!stored || stored.seq !== send.seq || stored.conversationId !== send.conversationId) result.ackedNotStored++;
    } else if (send.state === 'refused') {
      result.refused++;
      const code = send.code ?? 'unknown';
      result.refusedByCode[code] = (result.refusedByCode[code] ?? 0) + 1;
      if (stored) result.refusedButStored++;
    } else if (stored) result.storedWithoutAck++;
    else if (queued.has(clientId)) result.stillQueued++;
    else result.unaccounted++;
  }
  result.accepted = result.acked + result.storedWithoutAck;

  for (const [conversationId, bySeq] of store) {
    const seqs = [...bySeq.keys()].sort((a, b) => a - b);
    for (const member of members.get(conversationId) ?? []) {
      const got = ledger.deliveries.get(member)?.get(conversationId) ?? [];
      result.expectedDeliveries += seqs.length;
      const seen = new Set();
      let highest = 0;
      for (const d of got) {
        if (!bySeq.has(d.seq)) result.phantom++;
        if (seen.has(d.seq)) result.duplicated++;
        else {
          seen.add(d.seq);
          const send = ledger.sends.get(d.clientId);
          if (send) result.delaysMs.push(d.at - send.sentAt);
        }
        if (d.seq < highest) result.reordered++;
        highest = Math.max(highest, d.seq);
      }
      for (const seq of seqs) if (seen.has(seq)) result.delivered++;
      result.lost += seqs.filter((seq) => !seen.has(seq)).length;
    }
  }
  result.ok =
    result.lost === 0 &&
    result.duplicated === 0 &&
    result.reordered === 0 &&
    result.phantom === 0 &&
    result.refused === 0 &&
    result.stillQueued === 0 &&
    result.unaccounted === 0 &&
    result.ackedNotStored === 0 &&
    result.storeGaps === 0;
  return result;
}

/** Percentile (nearest rank) of `values`; 0 for none. @param {number[]} values @param {number} p in [0, 1] */
export function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? 0;
}
