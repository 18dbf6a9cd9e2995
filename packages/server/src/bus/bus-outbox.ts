/**
 * BusOutbox: this node's messages for other nodes, in publish order, until the medium takes them.
 * A publish only appends here (it never waits for the medium); one batch is in flight at a time,
 * and a batch leaves the queue only once the medium accepted all of it, so when the medium fails
 * the batch is sent again when it returns (other nodes may then see a message twice: conversation
 * events are dropped by seq per connection, and the other kinds are idempotent).
 * Invariants: messages leave in the order they were queued; the queue never holds more than
 * `maxBytes` (when full, the oldest are dropped and counted: conversation events dropped this way
 * are read back from the store by the receiving nodes' gap fill when the bus returns).
 */

export interface BusOutboxOptions {
  /** Sends one batch, in order; rejects if the medium did not take all of it. */
  send(batch: readonly string[]): Promise<void>;
  /** Upper bound of queued text (UTF-16 code units, close enough to bytes for a bound). */
  maxBytes: number;
  /** Most messages per batch. */
  maxBatch?: number;
  /** Told when a batch fails (the outbox then waits for `resume`). */
  onError?(error: unknown): void;
}

export class BusOutbox {
  private queue: string[] = [];
  private head = 0;
  private bytes = 0;
  private sending = false;
  /** False while the medium is down: nothing is sent until `resume`. */
  private open = false;
  private droppedCount = 0;
  private idle: (() => void)[] = [];
  private readonly maxBatch: number;

  constructor(private readonly options: BusOutboxOptions) {
    this.maxBatch = options.maxBatch ?? 512;
  }

  get length(): number {
    return this.queue.length - this.head;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  /** Queue one serialised message; sends at once when the medium is up. */
  push(text: string): void {
    this.queue.push(text);
    this.bytes += text.length;
    while (this.bytes > this.options.maxBytes && this.length > 1) {
      const oldest = this.queue[this.head++] as string;
      this.bytes -= oldest.length;
      this.droppedCount++;
    }
    this.pump();
  }

  /** The medium is up: send what waits. */
  resume(): void {
    this.open = true;
    this.pump();
  }

  /** The medium is down: stop sending until `resume`. */
  pause(): void {
    this.open = false;
  }

  /** Count a message not queued at all (a kind that is dropped while the medium is down). */
  countDropped(): void {
    this.droppedCount++;
  }

  /** Resolves when the queue is empty (or at once while paused: a closed medium cannot drain it). */
  drain(): Promise<void> {
    if (this.length === 0 || !this.open) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    if (this.sending || !this.open || this.length === 0) return;
    this.sending = true;
    const end = Math.min(this.queue.length, this.head + this.maxBatch);
    const batch = this.queue.slice(this.head, end);
    const start = this.head;
    this.options.send(batch).then(
      () => {
        this.sending = false;
        // Entries dropped for space while the batch was in flight moved head past `start`.
        const sentUpTo = start + batch.length;
        for (let i = Math.max(this.head, start); i < sentUpTo; i++) this.bytes -= (this.queue[i] as string).length;
        this.head = Math.max(this.head, sentUpTo);
        this.compact();
        if (this.length === 0) this.settle();
        this.pump();
      },
      (error: unknown) => {
        this.sending = false;
        this.open = false;
        this.options.onError?.(error);
        this.settle();
      },
    );
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private settle(): void {
    const waiting = this.idle;
    this.idle = [];
    for (const resolve of waiting) resolve();
  }
}
