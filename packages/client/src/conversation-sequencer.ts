/**
 * ConversationSequencer: turns the stream frames of one conversation (`new_message` and the
 * changes `message_updated`, `message_deleted`, `reaction_updated`), as they arrive
 * (repeated after a resume, out of order, or with holes after a dropped frame), into exactly-once,
 * seq-ordered delivery.
 * Invariants: `delivered` only grows, one by one; a frame is released only when its seq is
 * `delivered + 1`; frames ahead of a gap are held (at most `maxHeld`; beyond that they are dropped
 * and must be fetched again); before the baseline is known every frame is held; `skipTo` moves
 * past seqs the server deleted for good (message retention), which are never waited for.
 */
import type { ConversationChange, Message, ServerAction, ServerFrameOf } from '@herald/protocol';

/** The frames of a conversation's seq stream: messages, and changes to them. */
export type StreamAction = 'new_message' | 'message_updated' | 'message_deleted' | 'reaction_updated';
export type StreamFrame = ServerFrameOf<StreamAction>;
/** @deprecated the stream carries changes too: use StreamFrame. */
export type MessageFrame = StreamFrame;

export const STREAM_ACTIONS: ReadonlySet<ServerAction> = new Set<ServerAction>([
  'new_message',
  'message_updated',
  'message_deleted',
  'reaction_updated',
]);

/** True for a frame of a conversation's seq stream. */
export function isStreamFrame(frame: { action: ServerAction }): frame is StreamFrame {
  return STREAM_ACTIONS.has(frame.action);
}

/** A `new_message` frame rebuilt from a history record (it has no `sender`; history records do not carry one). */
export function frameFromMessage(message: Message): StreamFrame {
  return { id: `history:${message.id}`, type: message.type, action: 'new_message', data: message, timestamp: message.createdAt };
}

/** A change event's frame rebuilt from a history page's `changes`. */
export function frameFromChange(change: ConversationChange): StreamFrame {
  return { id: `history:${change.data.seq}`, type: 'event', timestamp: change.data.at, ...change } as StreamFrame;
}

export class ConversationSequencer {
  #deliveredSeq: number | null;
  readonly #held = new Map<number, StreamFrame>();

  readonly #maxHeld: number;
  constructor(since: number | null, maxHeld = 1_000) {
    this.#maxHeld = maxHeld;
    this.#deliveredSeq = since;
  }

  /** The last seq released, or null before the baseline is known. */
  get delivered(): number | null {
    return this.#deliveredSeq;
  }

  /** True while frames wait for missing seqs (or for the baseline). */
  get hasGap(): boolean {
    return this.#held.size > 0;
  }

  get heldCount(): number {
    return this.#held.size;
  }

  /** Set the starting point when it was unknown; returns the held frames that are now due. */
  setBaseline(seq: number): StreamFrame[] {
    if (this.#deliveredSeq !== null) return [];
    this.#deliveredSeq = seq;
    for (const heldSeq of [...this.#held.keys()]) if (heldSeq <= seq) this.#held.delete(heldSeq);
    return this.#release();
  }

  /**
   * The server kept nothing below `seq` + 1 (retention deleted it): count everything up to `seq` as
   * delivered, so it is not a gap; returns the held frames that are now due.
   */
  skipTo(seq: number): StreamFrame[] {
    if (this.#deliveredSeq === null || this.#deliveredSeq >= seq) return [];
    this.#deliveredSeq = seq;
    for (const heldSeq of [...this.#held.keys()]) if (heldSeq <= seq) this.#held.delete(heldSeq);
    return this.#release();
  }

  /** Offer a frame; returns the frames to deliver now, in order (empty for a repeat or a held one). */
  accept(frame: StreamFrame): StreamFrame[] {
    const seq = frame.data.seq;
    const delivered = this.#deliveredSeq;
    if (delivered !== null && seq <= delivered) return [];
    if (delivered !== null && seq === delivered + 1) {
      this.#deliveredSeq = seq;
      return [frame, ...this.#release()];
    }
    if (!this.#held.has(seq) && this.#held.size < this.#maxHeld) this.#held.set(seq, frame);
    return [];
  }

  #release(): StreamFrame[] {
    const out: StreamFrame[] = [];
    for (;;) {
      const next = (this.#deliveredSeq ?? 0) + 1;
      const frame = this.#held.get(next);
      if (!frame || this.#deliveredSeq === null) break;
      this.#held.delete(next);
      this.#deliveredSeq = next;
      out.push(frame);
    }
    return out;
  }
}
