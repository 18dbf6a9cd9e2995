/**
 * Subscriptions: the conversations this client follows, and their resume points.
 * Each followed conversation has a ConversationSequencer; after every (re)connect it is subscribed
 * again with `since` = the last seq delivered to handlers, so delivery resumes with no gap and no repeat.
 * The subscribe asks for `ackFirst`: the ack names the catch-up's target seq and the missed messages
 * stream in after it (the dispatch queue keeps every frame of a followed conversation, so none is
 * lost to overflow). A conversation is behind while frames wait past a gap, or while its delivered
 * seq is below the target. Past a gap, a whole `gapTimeoutMs` window with no progress (a frame lost;
 * noticed within 1-2 windows) reads the rest from `history`. Short of the target with no gap, the
 * catch-up is a reply still streaming (it may wait behind other conversations' pages, or a slow
 * database): only `stallTimeoutMs` (default 10 s, a request's timeout) with no progress counts as
 * a catch-up that stopped short. A long, healthy catch-up makes progress, so
 * it is never refilled. Seqs below the server's `firstSeq` (in subscribe acks and history pages)
 * were deleted by message retention: they are skipped, never waited for or refilled. Invariants: handlers see each seq of a followed conversation once, in order;
 * a gap timer exists only while the conversation is behind; `clear()` leaves no timer.
 */
import { ErrorCode, type HeraldError, type HistoryResult, type RequestResult } from '@herald/protocol';
import { ConversationSequencer, frameFromChange, frameFromMessage, type StreamFrame } from './conversation-sequencer.js';
import type { TimerHandle, Timers } from './environment.js';

export type SubscribeResult = RequestResult<'subscribe'>;

export interface SubscriptionDeps {
  timers: Timers;
  gapTimeoutMs: number;
  /** How long a catch-up short of its target may make no progress before it is read from history (default 10 s). */
  stallTimeoutMs?: number;
  subscribe: (conversationId: string, since: number | undefined) => Promise<SubscribeResult>;
  history: (conversationId: string, after: number) => Promise<HistoryResult>;
  isConnected: () => boolean;
  deliver: (frame: StreamFrame) => void;
  report: (error: HeraldError, conversationId: string) => void;
}

interface Followed {
  conversationId: string;
  sequencer: ConversationSequencer;
  gapTimer: TimerHandle | undefined;
  /** The delivered seq when the gap timer was armed: it fires a refill only if nothing moved since. */
  armedAt: number | null;
  /** The armed timer's window: `gapTimeoutMs` past a gap, the stall timeout otherwise. */
  armedFor: number;
  /** The catch-up's target from the last subscribe ack: everything up to it is on its way. */
  target: number;
  filling: boolean;
  /** The last subscribe was acked on the current connection. */
  subscribed: boolean;
  waiters: { resolve: (result: SubscribeResult) => void; reject: (error: HeraldError) => void }[];
}

/** Replies after which a subscription is dropped instead of retried on the next reconnect. */
const FATAL: readonly string[] = [ErrorCode.Forbidden, ErrorCode.NotFound, ErrorCode.InvalidFrame, ErrorCode.Unauthorized];

export class Subscriptions {
  readonly #followed = new Map<string, Followed>();
  #refillPages = 0;

  readonly #deps: SubscriptionDeps;
  constructor(deps: SubscriptionDeps) {
    this.#deps = deps;
  }

  get size(): number {
    return this.#followed.size;
  }

  /** True when the conversation is followed: its frames must never be dropped on the way to `handle`. */
  follows(conversationId: string): boolean {
    return this.#followed.has(conversationId);
  }

  /** History pages read to fill gaps or a catch-up that stopped short (a healthy catch-up reads none). */
  get refills(): number {
    return this.#refillPages;
  }

  /** The last seq delivered for a followed conversation (null: not followed or not yet known). */
  lastSeq(conversationId: string): number | null {
    return this.#followed.get(conversationId)?.sequencer.delivered ?? null;
  }

  /**
   * Follow a conversation from `since` (or from its current end). Resolves with the server's ack once
   * subscribed (waiting for a connection if there is none).
   */
  add(conversationId: string, since: number | undefined): Promise<SubscribeResult> {
    let entry = this.#followed.get(conversationId);
    const fresh = !entry;
    if (!entry) {
      entry = {
        conversationId,
        sequencer: new ConversationSequencer(since ?? null),
        gapTimer: undefined,
        armedAt: null,
        armedFor: 0,
        target: 0,
        filling: false,
        subscribed: false,
        waiters: [],
      };
      this.#followed.set(conversationId, entry);
    }
    const followed = entry;
    if (!fresh && followed.subscribed) {
      // Already following on this connection: nothing to ask the server.
      return Promise.resolve({ conversationId, lastSeq: followed.sequencer.delivered ?? 0 });
    }
    const promise = new Promise<SubscribeResult>((resolve, reject) => followed.waiters.push({ resolve, reject }));
    if (fresh && this.#deps.isConnected()) this.#send(followed);
    return promise;
  }

  /** Stop following; waiting `add` promises reject with `error`. */
  remove(conversationId: string, error: HeraldError): boolean {
    const entry = this.#followed.get(conversationId);
    if (!entry) return false;
    this.#drop(entry, error);
    return true;
  }

  /** After every (re)connect: subscribe to each followed conversation from where delivery stopped. */
  resubscribeAll(): void {
    for (const entry of this.#followed.values()) this.#send(entry);
  }

  /** Route a stream frame (a message or a change); false when its conversation is not followed (deliver it as is). */
  handle(frame: StreamFrame): boolean {
    const entry = this.#followed.get(frame.data.conversationId);
    if (!entry) return false;
    this.#deliverAll(entry, entry.sequencer.accept(frame));
    return true;
  }

  /** Stop following everything (dispose). */
  clear(error: HeraldError): void {
    for (const entry of [...this.#followed.values()]) this.#drop(entry, error);
  }

  #send(entry: Followed): void {
    const since = entry.sequencer.delivered ?? undefined;
    entry.subscribed = false;
    this.#deps.subscribe(entry.conversationId, since).then(
      (result) => {
        if (this.#followed.get(entry.conversationId) !== entry) return;
        entry.subscribed = true;
        entry.target = result.lastSeq;
        this.#deliverAll(entry, entry.sequencer.setBaseline(result.lastSeq));
        if (result.firstSeq !== undefined) this.#deliverAll(entry, entry.sequencer.skipTo(result.firstSeq - 1));
        for (const waiter of entry.waiters.splice(0)) waiter.resolve(result);
      },
      (error: HeraldError) => {
        if (this.#followed.get(entry.conversationId) !== entry) return;
        if (FATAL.includes(error.code)) {
          this.#drop(entry, error);
          this.#deps.report(error, entry.conversationId);
        } else if (error.code !== ErrorCode.Disconnected) {
          // Timeout, rate limit, ...: the next reconnect subscribes again; tell the app meanwhile.
          this.#deps.report(error, entry.conversationId);
        }
      },
    );
  }

  #deliverAll(entry: Followed, frames: StreamFrame[]): void {
    for (const frame of frames) {
      if (this.#followed.get(entry.conversationId) !== entry) return;
      this.#deps.deliver(frame);
    }
    this.#watchGap(entry);
  }

  /** Behind: frames wait past a gap, or the catch-up has not reached its target yet. */
  #behind(entry: Followed): boolean {
    const delivered = entry.sequencer.delivered;
    return delivered !== null && (entry.sequencer.hasGap || delivered < entry.target);
  }

  #watchGap(entry: Followed): void {
    if (!this.#behind(entry)) {
      if (entry.gapTimer !== undefined) this.#deps.timers.clearTimeout(entry.gapTimer);
      entry.gapTimer = undefined;
      return;
    }
    if (entry.filling) return;
    if (entry.gapTimer !== undefined) {
      // A gap opened under the long catch-up window: switch to the short one.
      if (entry.armedFor <= this.#window(entry)) return;
      this.#deps.timers.clearTimeout(entry.gapTimer);
    }
    this.#armGapTimer(entry);
  }

  /** One timer per behind conversation, not one per frame: progress re-arms it when it fires. */
  #armGapTimer(entry: Followed): void {
    entry.armedAt = entry.sequencer.delivered;
    entry.armedFor = this.#window(entry);
    entry.gapTimer = this.#deps.timers.setTimeout(() => {
      entry.gapTimer = undefined;
      if (!this.#behind(entry)) return;
      if (entry.sequencer.delivered !== entry.armedAt) this.#armGapTimer(entry);
      else void this.#fill(entry);
    }, entry.armedFor);
  }

  #window(entry: Followed): number {
    return entry.sequencer.hasGap ? this.#deps.gapTimeoutMs : (this.#deps.stallTimeoutMs ?? 10_000);
  }

  /** Fetch the missing seqs from history, page by page, until the gap closes. */
  async #fill(entry: Followed): Promise<void> {
    entry.filling = true;
    try {
      while (this.#followed.get(entry.conversationId) === entry && this.#behind(entry) && this.#deps.isConnected()) {
        const after = entry.sequencer.delivered;
        if (after === null) break;
        this.#refillPages++;
        const page = await this.#deps.history(entry.conversationId, after);
        // Pruned while we were behind: what is below the first kept seq will never come.
        if (page.firstSeq !== undefined) this.#deliverAll(entry, entry.sequencer.skipTo(page.firstSeq - 1));
        // A page read `after` is a contiguous stretch: its messages and its changes together, in seq order.
        const frames = [...page.messages.map(frameFromMessage), ...(page.changes ?? []).map(frameFromChange)].sort(
          (a, b) => a.data.seq - b.data.seq,
        );
        for (const frame of frames) this.#deliverAll(entry, entry.sequencer.accept(frame));
        if (!page.hasMore || entry.sequencer.delivered === after) break;
      }
    } catch (error) {
      // Lost connection: the resubscribe after reconnect fills the gap instead.
      if ((error as HeraldError).code !== ErrorCode.Disconnected) this.#deps.report(error as HeraldError, entry.conversationId);
    } finally {
      entry.filling = false;
    }
    if (this.#followed.get(entry.conversationId) === entry) this.#watchGap(entry);
  }

  #drop(entry: Followed, error: HeraldError): void {
    this.#followed.delete(entry.conversationId);
    if (entry.gapTimer !== undefined) this.#deps.timers.clearTimeout(entry.gapTimer);
    entry.gapTimer = undefined;
    for (const waiter of entry.waiters.splice(0)) waiter.reject(error);
  }
}
