/**
 * ConversationSequencer: puts each conversation's events back in seq order on this node before
 * fan-out. One node publishes a conversation in order, but with several nodes writing to one
 * conversation their publishes can cross on the way here. An event past a gap waits (briefly) for
 * the missing ones; if they do not come in `gapMs`, they are fetched from the store, which has
 * them: a seq is only published after it is committed, and it commits after every lower one.
 * Invariants: nothing is ever dropped (a late or repeated event is passed on; each connection's
 * ConversationStream drops what it already sent); a timer exists only while a gap is open.
 */
import type { ConversationEvent } from '../bus/bus.js';

export interface SequencerOptions {
  /** How long to wait for a missing seq before fetching it. */
  gapMs: number;
  /** Forget conversations idle this long (they start over at their next event). */
  idleMs: number;
  /** Events with seq in [from, to) of a conversation, as the store has them. */
  fetch(conversationId: string, from: number, to: number, like: ConversationEvent): Promise<ConversationEvent[]>;
  /** Called with events in order. */
  deliver(event: ConversationEvent): void;
  onError(error: unknown): void;
}

interface Track {
  next: number;
  held: Map<number, ConversationEvent>;
  timer: NodeJS.Timeout | undefined;
  touchedAt: number;
}

export class ConversationSequencer {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly options: SequencerOptions) {}

  offer(event: ConversationEvent): void {
    const now = Date.now();
    let track = this.tracks.get(event.conversationId);
    if (!track) {
      // First contact: nothing of this conversation was delivered here yet, so start at this seq.
      track = { next: event.seq, held: new Map(), timer: undefined, touchedAt: now };
      this.tracks.set(event.conversationId, track);
    }
    track.touchedAt = now;
    if (event.seq < track.next) {
      this.options.deliver(event); // late or repeated: connections drop what they already have
      return;
    }
    if (event.seq > track.next) {
      track.held.set(event.seq, event);
      track.timer ??= setTimeout(() => void this.fillGap(event.conversationId), this.options.gapMs);
      return;
    }
    this.options.deliver(event);
    track.next = event.seq + 1;
    this.release(event.conversationId, track);
  }

  /**
   * Events read back from the store (in seq order) after a bus outage: delivered now, and the
   * conversation moves past them, so held events they cover are dropped and the rest released.
   */
  fill(conversationId: string, events: readonly ConversationEvent[]): void {
    const first = events[0];
    if (!first) return;
    let track = this.tracks.get(conversationId);
    if (!track) {
      track = { next: first.seq, held: new Map(), timer: undefined, touchedAt: Date.now() };
      this.tracks.set(conversationId, track);
    }
    track.touchedAt = Date.now();
    for (const event of events) {
      this.options.deliver(event);
      if (event.seq >= track.next) track.next = event.seq + 1;
    }
    for (const seq of track.held.keys()) if (seq < track.next) track.held.delete(seq);
    this.release(conversationId, track);
  }

  /** Drop idle conversations; call from a periodic sweep. */
  sweep(now = Date.now()): void {
    for (const [conversationId, track] of this.tracks) {
      if (track.held.size === 0 && now - track.touchedAt > this.options.idleMs) this.tracks.delete(conversationId);
    }
  }

  close(): void {
    for (const track of this.tracks.values()) clearTimeout(track.timer);
    this.tracks.clear();
  }

  get size(): number {
    return this.tracks.size;
  }

  private release(conversationId: string, track: Track): void {
    for (let held = track.held.get(track.next); held; held = track.held.get(track.next)) {
      track.held.delete(track.next);
      this.options.deliver(held);
      track.next++;
    }
    if (track.held.size === 0 && track.timer) {
      clearTimeout(track.timer);
      track.timer = undefined;
    } else if (track.held.size > 0 && !track.timer) {
      track.timer = setTimeout(() => void this.fillGap(conversationId), this.options.gapMs);
    }
  }

  private async fillGap(conversationId: string): Promise<void> {
    const track = this.tracks.get(conversationId);
    if (!track) return;
    track.timer = undefined;
    const lowestHeld = Math.min(...track.held.keys());
    const like = track.held.get(lowestHeld);
    if (!like) return;
    try {
      // Up to the highest held seq, not the lowest: when the bus is down, other nodes' seqs are missing
      // between most of this node's own, and one read closes every gap instead of one per gapMs.
      const missing = await this.options.fetch(conversationId, track.next, Math.max(...track.held.keys()), like);
      for (const event of missing) {
        if (event.seq === track.next) {
          track.held.delete(event.seq);
          this.options.deliver(event);
          track.next++;
        }
      }
    } catch (error) {
      this.options.onError(error);
    }
    // Whatever could not be fetched is skipped rather than waited on forever: live delivery moves on,
    // and a client resuming with `since` still gets it from the store.
    if (track.next < lowestHeld) track.next = lowestHeld;
    this.release(conversationId, track);
  }
}
