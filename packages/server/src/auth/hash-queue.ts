/**
 * HashQueue: the one gate every password hash and verify goes through. argon2 runs on libuv's
 * thread pool (4 threads by default), which file reads, DNS lookups and zlib share; left unbounded,
 * a burst of sign-ins takes every pool thread and a 256 KiB download waits seconds behind them. So
 * at most `concurrency` hashes run at once (leaving pool threads and a core for everything else),
 * at most `maxWaiting` wait their turn, in arrival order, and anything past that is refused at once
 * with `rate_limited` (`hash_queue`, 429 + Retry-After) instead of piling up memory and latency.
 * Invariants: running never exceeds `concurrency`; waiters start strictly first-in first-out (a
 * finishing task hands its slot to the oldest waiter, so a newcomer cannot overtake); waiting never
 * exceeds `maxWaiting`; a task that throws frees its slot like one that succeeds.
 */
import { rateLimited } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';

export interface HashQueueOptions {
  /** Hashes running at once (HERALD_HASH_CONCURRENCY). */
  concurrency: number;
  /** Hashes waiting for a slot before new ones are refused (HERALD_HASH_QUEUE). */
  maxWaiting: number;
  /** Counts refusals in `herald_limit_rejections_total{limit="hash_queue"}`. */
  metrics?: Pick<Metrics, 'limitRejections'> | undefined;
  now?: () => number;
}

/** The default concurrency for this machine: half the cores, at least 1, at most 2 (so at least 2 of libuv's 4 pool threads stay free). */
export function defaultHashConcurrency(cores: number): number {
  return Math.max(1, Math.min(2, Math.floor(cores / 2)));
}

export class HashQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  /** Moving average of how long a task holds its slot, for an honest Retry-After. */
  private averageMs = 250;
  private readonly now: () => number;

  constructor(private readonly options: HashQueueOptions) {
    if (options.concurrency < 1) throw new RangeError('HashQueue concurrency must be at least 1');
    this.now = options.now ?? Date.now;
  }

  /** Tasks running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Runs `task` when a slot is free; throws `rate_limited` (`hash_queue`) at once when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.options.concurrency) {
      this.running++;
    } else if (this.waiting.length < this.options.maxWaiting) {
      // The slot is handed over by `release` (running stays counted), so nobody can slip in between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      throw rateLimited('hash_queue', this.retryAfterMs(), 'too many sign-ins in progress; try again shortly', this.options.metrics);
    }
    const started = this.now();
    try {
      return await task();
    } finally {
      this.averageMs = this.averageMs * 0.8 + (this.now() - started) * 0.2;
      this.release();
    }
  }

  /** Long enough for everything ahead to drain, and at least a second (Retry-After has whole seconds). */
  private retryAfterMs(): number {
    const ahead = this.running + this.waiting.length;
    return Math.max(1000, Math.ceil((ahead / this.options.concurrency) * this.averageMs));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
