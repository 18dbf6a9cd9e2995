/**
 * ConversationStream: what one connection has been sent of one conversation.
 * Live events reach a connection in seq order, so what it was sent is a contiguous range
 * [first, last]; that is enough to drop repeats and, during a catch-up, to skip what went out live.
 * While a catch-up runs, live events wait in `pending`, so the seam has no gap and no repeat.
 * Invariant: forgetting part of the range can only cause a repeat later, never a loss.
 */
import type { ConversationEvent } from '../bus/bus.js';

export class ConversationStream {
  /** Lowest seq of the sent range (Infinity: nothing sent yet). */
  private first = Number.POSITIVE_INFINITY;
  /** Highest seq of the sent range. */
  private last = 0;
  /** Live events held back while a catch-up runs; null when none runs. */
  private pending: ConversationEvent[] | null = null;
  /** Set by `unsubscribe`, cleared by `subscribe`: live events of this conversation are not sent. */
  private silenced = false;

  get muted(): boolean {
    return this.silenced;
  }

  /** `unsubscribe`: stop sending live events (what was sent is still remembered). */
  mute(): void {
    this.silenced = true;
  }

  /** `subscribe`: send live events again. */
  unmute(): void {
    this.silenced = false;
  }

  get lastSeq(): number {
    return this.last;
  }

  get catchingUp(): boolean {
    return this.pending !== null;
  }

  /** True when `seq` has already been sent on this connection. */
  hasSent(seq: number): boolean {
    return seq >= this.first && seq <= this.last;
  }

  /** A live event: true when it should be sent now; held while catching up; false for a repeat. */
  offer(event: ConversationEvent): boolean {
    if (this.pending) {
      this.pending.push(event);
      return false;
    }
    return this.accept(event.seq);
  }

  /** Start a catch-up: live events are held until `endCatchUp`. Returns a test for "already sent". */
  beginCatchUp(): (seq: number) => boolean {
    this.pending ??= [];
    const { first, last } = this;
    return (seq) => seq >= first && seq <= last;
  }

  /**
   * The client now has every seq in (since, upTo]. Returns the held live events still to send, in order.
   */
  endCatchUp(since: number, upTo: number): ConversationEvent[] {
    this.first = since + 1;
    this.last = Math.max(upTo, this.last);
    const held = this.pending ?? [];
    this.pending = null;
    return held.filter((event) => this.accept(event.seq));
  }

  private accept(seq: number): boolean {
    if (this.hasSent(seq)) return false;
    if (seq === this.last + 1 && this.first !== Number.POSITIVE_INFINITY) {
      this.last = seq;
    } else {
      // First contact, or a gap: start a new range at this seq.
      this.first = seq;
      this.last = seq;
    }
    return true;
  }
}
