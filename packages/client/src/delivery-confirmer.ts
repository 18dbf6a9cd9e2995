/**
 * DeliveryConfirmer: tells the server, on its own, how far this device has received each
 * conversation (`mark_delivered`), so senders can show ✓✓ delivered. It learns seqs from messages
 * of other people handed to the app (live, caught up after a reconnect, gap fills, history pages,
 * `markReceived`).
 * Invariants: one timer for every conversation, firing on the next tick when idle and at most once
 * per `intervalMs`, so each conversation gets at most one `mark_delivered` per window, with the
 * highest seq received; a seq is confirmed once and never a lower one after a higher (the server
 * keeps the maximum in any case); a confirmation that could not be sent (offline, connection lost,
 * unanswered, refused for now such as `rate_limited`) is sent again after the next `connected`; one
 * refused for good (`forbidden`: no longer a member) is dropped. Nothing is reported: a receipt is
 * the client's own housekeeping, and what fails it (the connection, a limit) is reported where it happens.
 */
import { ErrorCode, HeraldError, type Message } from '@herald/protocol';
import type { TimerHandle, Timers } from './environment.js';

export interface DeliveryConfirmerDeps {
  timers: Timers;
  /** Send `mark_delivered`; rejects with a HeraldError. */
  confirm(conversationId: string, seq: number): Promise<unknown>;
  isConnected(): boolean;
  /** The signed-in user (their own messages need no confirming), null before the first `connected`. */
  userId(): string | null;
}

export class DeliveryConfirmer {
  /** Per conversation: the highest seq received, and the highest sent (or being sent). */
  readonly #seqs = new Map<string, { got: number; sent: number }>();
  #timer: TimerHandle | null = null;
  #lastFlush = -1e15;

  readonly #deps: DeliveryConfirmerDeps;
  readonly #intervalMs: number;
  constructor(deps: DeliveryConfirmerDeps, intervalMs: number) {
    this.#deps = deps;
    this.#intervalMs = intervalMs;
  }

  /** Messages reached this device (only others' count). */
  received(conversationId: string, messages: readonly Pick<Message, 'seq' | 'senderId'>[]): void {
    const me = this.#deps.userId();
    const entry = this.#seqs.get(conversationId) ?? { got: 0, sent: 0 };
    let top = entry.got;
    for (const m of messages) if (m.senderId !== me && m.seq > top) top = m.seq;
    if (top === entry.got) return;
    entry.got = top;
    this.#seqs.set(conversationId, entry);
    this.connected();
  }

  /** A new connection is ready (or something is owed): flush on the next allowed tick. */
  connected(): void {
    const { timers } = this.#deps;
    // Never a negative delay: a browser converts it to a 32-bit integer, and a huge one wraps around.
    this.#timer ??= timers.setTimeout(() => this.#flush(), Math.max(0, this.#lastFlush + this.#intervalMs - timers.now()));
  }

  /** Forget a conversation (no longer a member: the server refused). */
  forget(conversationId: string): void {
    this.#seqs.delete(conversationId);
  }

  /** Stop the timer and forget everything. */
  dispose(): void {
    if (this.#timer !== null) this.#deps.timers.clearTimeout(this.#timer);
    this.#timer = null;
    this.#seqs.clear();
  }

  #flush(): void {
    this.#timer = null;
    // Offline: `connected()` flushes again.
    if (!this.#deps.isConnected()) return;
    this.#lastFlush = this.#deps.timers.now();
    for (const [id, entry] of this.#seqs) {
      const { got: seq, sent: before } = entry;
      if (seq <= before) continue;
      entry.sent = seq;
      this.#deps.confirm(id, seq).catch((error: unknown) => {
        // Owed again (unless a later one went out), resent after the next `connected`: a refusal would only repeat.
        if (entry.sent === seq) entry.sent = before;
        if (error instanceof HeraldError && error.code === ErrorCode.Forbidden) this.forget(id);
      });
    }
  }
}
