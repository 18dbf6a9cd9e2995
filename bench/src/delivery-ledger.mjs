/**
 * DeliveryLedger: every message of one measurement step, when it was scheduled, and how many
 * of its expected copies arrived. Publisher and receivers live in this one process, so both ends
 * use the same monotonic clock (performance.now()).
 * Invariants: latency is measured from the *scheduled* send time, so a stalled publisher shows up
 * as latency instead of silently sending less (no coordinated omission); a copy of a message from
 * another step (a late straggler) is counted as stray, never as a delivery of this step.
 */
import { LatencyHistogram } from './latency-histogram.mjs';

let nextMessageId = 1;
const PAD = 'x'.repeat(256);

/** Message text carrying its id: `b<id>|` then padding up to `size` characters. @param {number} id @param {number} size */
export function messageText(id, size) {
  const head = `b${id}|`;
  return head.length >= size ? head : head + PAD.slice(0, size - head.length);
}

/** The id a message text carries, or -1 when the text is not a bench message. @param {unknown} text */
export function messageIdOf(text) {
  if (typeof text !== 'string' || text.charCodeAt(0) !== 98 /* b */) return -1;
  const id = Number.parseInt(text.slice(1, 16), 10);
  return Number.isNaN(id) ? -1 : id;
}

const TEXT_MARK = Buffer.from('"text":"b');

/**
 * The id of the bench message in a JSON frame, read straight from the bytes (no JSON.parse, so
 * the load generator spends as little as it can per delivery); -1 when the frame carries none.
 * Works for any frame whose message text is the JSON string member `"text"`.
 */
export function messageIdInJson(/** @type {Buffer} */ data) {
  const at = data.indexOf(TEXT_MARK);
  if (at < 0) return -1;
  let id = 0;
  let i = at + TEXT_MARK.length;
  for (; i < data.length; i++) {
    const c = data[i] ?? 0;
    if (c < 48 || c > 57) break;
    id = id * 10 + c - 48;
  }
  return i > at + TEXT_MARK.length ? id : -1;
}

export class DeliveryLedger {
  /**
   * @param {number} capacity most messages this step may publish
   * @param {number} copies copies each message must reach (its recipients)
   */
  constructor(capacity, copies) {
    this.base = nextMessageId;
    nextMessageId += capacity;
    this.capacity = capacity;
    this.copies = copies;
    this.scheduled = new Float64Array(capacity);
    this.received = new Uint32Array(capacity);
    this.latency = new LatencyHistogram();
    this.published = 0;
    this.delivered = 0;
    this.duplicates = 0;
    this.strays = 0;
    this.lastDeliveryAt = 0;
    /** Messages below this index have every copy. */
    this.completeBelow = 0;
  }

  /** Register message `index` of the step (scheduled at `at`); returns its global id. @param {number} index @param {number} at */
  schedule(index, at) {
    this.scheduled[index] = at;
    this.published = Math.max(this.published, index + 1);
    return this.base + index;
  }

  /** A copy of message `id` arrived at `now`. @param {number} id @param {number} now */
  deliver(id, now) {
    const index = id - this.base;
    if (index < 0 || index >= this.published) {
      this.strays++;
      return;
    }
    const got = (this.received[index] ?? 0) + 1;
    this.received[index] = got;
    if (got > this.copies) {
      this.duplicates++;
      return;
    }
    this.delivered++;
    this.lastDeliveryAt = now;
    this.latency.record(now - (this.scheduled[index] ?? now));
  }

  /** True once every published message has all its copies. */
  complete() {
    while (this.completeBelow < this.published && (this.received[this.completeBelow] ?? 0) >= this.copies) this.completeBelow++;
    return this.completeBelow >= this.published;
  }

  /** How long (ms) the oldest incomplete message has been waiting; 0 when all are complete. @param {number} now */
  oldestWaitMs(now) {
    if (this.complete()) return 0;
    return now - (this.scheduled[this.completeBelow] ?? now);
  }

  /** Resolves when complete or after `timeoutMs`. @param {number} timeoutMs */
  async settle(timeoutMs) {
    const deadline = performance.now() + timeoutMs;
    while (!this.complete() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.complete();
  }

  summary() {
    const expected = this.published * this.copies;
    return {
      published: this.published,
      expectedDeliveries: expected,
      delivered: this.delivered,
      missing: expected - this.delivered,
      duplicates: this.duplicates,
      strays: this.strays,
      complete: this.delivered === expected,
      latencyMs: this.latency.summary(),
    };
  }
}
