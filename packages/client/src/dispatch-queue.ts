/**
 * DispatchQueue: hands incoming items to a consumer in arrival order without blocking the page.
 * Items are processed in batches (at most `batchSize`, at most `budgetMs` of work); between batches
 * the queue yields to the event loop, so a burst of frames never freezes rendering or input.
 * Overflow policy: the queue holds at most `capacity` items; when full, the OLDEST item is dropped
 * (the newest state matters most for a UI) and drops are reported once per batch.
 * Dropped conversation messages are not lost for good: the sequencer sees the gap and refills it.
 */
import type { TimerHandle, Timers } from './environment.js';

export interface DispatchQueueOptions {
  /** Most items held before the oldest is dropped (default 100). */
  capacity: number;
  /** Most items per batch (default 50). */
  batchSize: number;
  /** Most milliseconds of work per batch (default 8). */
  budgetMs: number;
}

export const DEFAULT_DISPATCH: DispatchQueueOptions = { capacity: 100, batchSize: 50, budgetMs: 8 };

export class DispatchQueue<T> {
  private items: T[] = [];
  private head = 0;
  private dropped = 0;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly timers: Timers,
    private readonly options: DispatchQueueOptions,
    private readonly consume: (item: T) => void,
    private readonly onDrop: (count: number) => void,
  ) {}

  get size(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    if (this.size >= this.options.capacity) {
      this.head++;
      this.dropped++;
    }
    this.items.push(item);
    this.compact();
    if (this.timer === undefined) this.timer = this.timers.setTimeout(() => this.run(), 0);
  }

  /** Drop everything queued and stop (dispose). */
  clear(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
    this.head = 0;
    this.dropped = 0;
  }

  private run(): void {
    this.timer = undefined;
    if (this.dropped > 0) {
      const count = this.dropped;
      this.dropped = 0;
      this.onDrop(count);
    }
    const started = this.timers.now();
    let done = 0;
    while (this.size > 0 && done < this.options.batchSize) {
      const item = this.items[this.head] as T;
      this.head++;
      done++;
      this.consume(item);
      if (this.timers.now() - started >= this.options.budgetMs) break;
    }
    this.compact();
    if (this.size > 0 && this.timer === undefined) this.timer = this.timers.setTimeout(() => this.run(), 0);
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
