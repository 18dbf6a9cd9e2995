/**
 * What each fault costs: every first delivery of a known send is put in the bucket of the fault
 * that touched it — a fault window overlapping [sent, delivered] that affected the sender or the
 * receiver (process faults affect everyone; a window lasts until the fault's effect ended, see
 * faults.mjs) — or `quiet` when none did; each bucket reports its
 * delivery-delay percentiles. The first matching window wins, in the order kill, redis, stall, cut.
 * Each bucket also names its slowest delivery (`worst`).
 * Invariant: every counted delivery is in exactly one bucket.
 */
import { percentile } from './ledger.mjs';

/**
 * The slowest delivery of a bucket: sender and receiver client, seq, when it was sent relative to
 * its fault's start, how long that fault's window lasted and whom it hit (null for `quiet`), for a reader
 * asking where a maximum came from.
 * @typedef {{ delayMs: number, sender: number, receiver: number, seq: number, sentAfterFaultMs: number | null, faultLastedMs: number | null,
 *   hit: 'sender' | 'receiver' | 'all' | null }} Worst
 */

const PRIORITY = ['kill', 'redis', 'stall', 'cut'];

/**
 * @param {import('./ledger.mjs').Ledger} ledger
 * @param {import('./faults.mjs').FaultWindow[]} windows
 * @returns {Record<string, { deliveries: number, p50: number, p99: number, max: number, worst: Worst | undefined }>}
 */
export function faultCosts(ledger, windows) {
  /** @type {Map<string, number[]>} */
  const buckets = new Map();
  /** The slowest delivery of each bucket, placed against its fault. @type {Map<string, Worst>} */
  const worst = new Map();
  const sorted = [...windows].sort((a, b) => PRIORITY.indexOf(a.kind) - PRIORITY.indexOf(b.kind));
  for (const [receiver, byConversation] of ledger.deliveries) {
    for (const list of byConversation.values()) {
      const seen = new Set();
      for (const d of list) {
        if (seen.has(d.seq)) continue;
        seen.add(d.seq);
        const send = ledger.sends.get(d.clientId);
        if (!send) continue;
        const hit = sorted.find(
          (w) =>
            w.start <= d.at &&
            w.end >= send.sentAt &&
            (w.clients === 'all' || w.clients.includes(receiver) || w.clients.includes(send.client)),
        );
        const key = hit?.kind ?? 'quiet';
        let bucket = buckets.get(key);
        if (!bucket) {
          bucket = [];
          buckets.set(key, bucket);
        }
        const delay = d.at - send.sentAt;
        bucket.push(delay);
        if (delay > (worst.get(key)?.delayMs ?? -1)) {
          worst.set(key, {
            delayMs: delay,
            sender: send.client,
            receiver,
            seq: d.seq,
            sentAfterFaultMs: hit ? send.sentAt - hit.start : null,
            faultLastedMs: hit ? hit.end - hit.start : null,
            hit: !hit ? null : hit.clients === 'all' ? 'all' : hit.clients.includes(send.client) ? 'sender' : 'receiver',
          });
        }
      }
    }
  }
  /** @type {Record<string, { deliveries: number, p50: number, p99: number, max: number, worst: Worst | undefined }>} */
  const result = {};
  for (const key of ['quiet', ...PRIORITY]) {
    const values = buckets.get(key);
    if (!values) continue;
    result[key] = {
      deliveries: values.length,
      p50: percentile(values, 0.5),
      p99: percentile(values, 0.99),
      max: Math.max(...values),
      worst: worst.get(key),
    };
  }
  return result;
}
