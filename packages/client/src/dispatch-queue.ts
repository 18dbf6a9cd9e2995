/**
 * DispatchQueue: hands incoming items to a consumer in arrival order without blocking the page.
 * Items are processed in batches (at most `batchSize`, at most `budgetMs` of work); between batches
 * the queue yields to the event loop, so a burst of frames never freezes rendering or input.
 * Two lanes share one arrival order. Droppable items (the default) obey the overflow policy: at
 * most `capacity` of them are held; when full, the OLDEST droppable item is dropped (the newest
 * state matters most for a UI) and drops are reported once per batch. Kept items (`push(item,
 * true)`: the messages of followed conversations, and the rare conversation list events) are never dropped and do not count against
 * `capacity`; what bounds them is the sender (a catch-up is as long as what was missed, live
 * traffic is paced by the server's rate limits), so a catch-up never turns into gaps to refill.
 */
import type { TimerHandle, Timers } from './environment.js';

export interface DispatchQueueOptions {
  /** Most droppable items held before the oldest is dropped (default 100). */
  capacity: number;
  /** Most items per batch (default 50). */
  batchSize: number;
  /** Most milliseconds of work per batch (default 8). */
  budgetMs: number;
}

export const DEFAULT_DISPATCH: DispatchQueueOptions = { capacity: 100, batchSize: 50, budgetMs: 8 };

/** A FIFO of items tagged with their arrival number (amortised O(1) shift). */
class Lane<T> {
  #items: { order: number; item: T }[] = [];
  #head = 0;

  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Arrival number of the oldest item (Infinity when empty). */
  get nextOrder(): number {
    return this.#items[this.#head]?.order ?? Number.POSITIVE_INFINITY;
  }

  push(order: number, item: T): void {
    this.#items.push({ order, item });
  }

  shift(): T {
    const entry = this.#items[this.#head] as { order: number; item: T };
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return entry.item;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }
}

export class DispatchQueue<T> {
  readonly #droppable = new Lane<T>();
  readonly #kept = new Lane<T>();
  #arrivals = 0;
  #dropped = 0;
  #timer: TimerHandle | undefined;

  readonly #timers: Timers;
  readonly #options: DispatchQueueOptions;
  readonly #consume: (item: T) => void;
  readonly #onDrop: (count: number) => void;
  constructor(timers: Timers, options: DispatchQueueOptions, consume: (item: T) => void, onDrop: (count: number) => void) {
    this.#timers = timers;
    this.#options = options;
    this.#consume = consume;
    this.#onDrop = onDrop;
  }

  get size(): number {
    return this.#droppable.size + this.#kept.size;
  }

  /** Queue an item; `keep` puts it in the lane that is never dropped. */
  push(item: T, keep = false): void {
    if (keep) {
      this.#kept.push(this.#arrivals++, item);
    } else {
      if (this.#droppable.size >= this.#options.capacity) {
        this.#droppable.shift();
        this.#dropped++;
      }
      this.#droppable.push(this.#arrivals++, item);
    }
    if (this.#timer === undefined) this.#timer = this.#timers.setTimeout(() => this.#run(), 0);
  }

  /** Drop everything queued and stop (dispose). */
  clear(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#droppable.clear();
    this.#kept.clear();
    this.#dropped = 0;
  }

  #run(): void {
    this.#timer = undefined;
    if (this.#dropped > 0) {
      const count = this.#dropped;
      this.#dropped = 0;
      this.#onDrop(count);
    }
    const started = this.#timers.now();
    let done = 0;
    while (this.size > 0 && done < this.#options.batchSize) {
      // The older head of the two lanes goes first: one arrival order across both.
      const lane = this.#kept.nextOrder < this.#droppable.nextOrder ? this.#kept : this.#droppable;
      done++;
      this.#consume(lane.shift());
      if (this.#timers.now() - started >= this.#options.budgetMs) break;
    }
    if (this.size > 0 && this.#timer === undefined) this.#timer = this.#timers.setTimeout(() => this.#run(), 0);
  }
}
