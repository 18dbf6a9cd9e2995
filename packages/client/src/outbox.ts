/**
 * Outbox: outgoing messages, queued while disconnected and sent in order once connected.
 * Sending is stop-and-wait: the next message goes out only after the previous one was acked (or
 * failed for good), so a rate-limit reply or a lost connection can never reorder messages.
 * Invariants:
 * - Each message keeps its client id (the frame id) for its whole life, so a resend after a send of
 *   unknown fate (connection lost before the ack) is deduplicated by the server, never duplicated.
 * - At most `capacity` messages wait; one more is rejected with a HeraldError at once.
 * - A record is persisted before its first send and deleted only after its ack.
 */
import { ErrorCode, HeraldError, type SendMessageResult } from '@herald/protocol';
import type { TimerHandle, Timers } from './environment.js';
import type { OutboxFrame, OutboxRecord, OutboxStore } from './outbox-store.js';

/** Error codes after which resending the same message later may succeed. */
const RETRYABLE: readonly string[] = [ErrorCode.RateLimited, ErrorCode.Unavailable, ErrorCode.Internal, ErrorCode.Timeout];

interface Entry {
  record: OutboxRecord;
  resolve: (result: SendMessageResult) => void;
  reject: (error: HeraldError) => void;
}

export interface OutboxDeps {
  timers: Timers;
  store: OutboxStore;
  capacity: number;
  /** Send one frame on the current connection and wait for its validated ack result. */
  transmit: (frame: OutboxFrame) => Promise<SendMessageResult>;
  /** Whether a connection is ready for sending. */
  isConnected: () => boolean;
  report: (error: HeraldError) => void;
}

export class Outbox {
  private entries: Entry[] = [];
  private running = false;
  private retryTimer: TimerHandle | undefined;
  private restored: Promise<void> | null = null;
  /** Set once `restore()` finished (or failed): only then may sending start, so older records go first. */
  private loaded = false;
  private disposed = false;
  /** Last `queuedAt` handed out: strictly increasing, so records sort in send order even within one millisecond. */
  private lastQueuedAt = 0;

  constructor(private readonly deps: OutboxDeps) {}

  get size(): number {
    return this.entries.length;
  }

  /** Snapshot of what waits to be sent, oldest first. */
  pending(): OutboxRecord[] {
    return this.entries.map((entry) => entry.record);
  }

  /** Queue a message; resolves with its ack result, rejects when the server refuses it for good. */
  add(frame: OutboxFrame): Promise<SendMessageResult> {
    if (this.disposed) return Promise.reject(new HeraldError(ErrorCode.Disconnected, 'client disposed'));
    if (this.entries.length >= this.deps.capacity) {
      return Promise.reject(
        new HeraldError(ErrorCode.QueueFull, `outbox full: ${this.deps.capacity} messages already wait to be sent`, {
          reason: 'outbox_full',
          capacity: this.deps.capacity,
        }),
      );
    }
    if (this.entries.some((entry) => entry.record.id === frame.id)) {
      return Promise.reject(new HeraldError(ErrorCode.Conflict, `message ${frame.id} is already queued`));
    }
    this.lastQueuedAt = Math.max(this.deps.timers.now(), this.lastQueuedAt + 1);
    const record: OutboxRecord = { id: frame.id, frame, queuedAt: this.lastQueuedAt };
    const promise = new Promise<SendMessageResult>((resolve, reject) => this.entries.push({ record, resolve, reject }));
    this.persist(() => this.deps.store.put(record));
    this.flush();
    return promise;
  }

  /**
   * Put back what the store kept from an earlier session (ahead of anything queued since, as it is
   * older). Runs once; their outcome is reported only on failure (the `new_message` echo, carrying
   * the same `clientId`, tells the app it was delivered).
   */
  restore(): Promise<void> {
    this.restored ??= this.deps.store
      .load()
      .then(
        (records) => {
          if (this.disposed) return;
          const known = new Set(this.entries.map((entry) => entry.record.id));
          for (const record of records) this.lastQueuedAt = Math.max(this.lastQueuedAt, record.queuedAt);
          const older: Entry[] = records
            .filter((record) => !known.has(record.id))
            .map((record) => ({ record, resolve: () => undefined, reject: (error) => this.deps.report(error) }));
          this.entries = [...older, ...this.entries];
        },
        (error: unknown) => this.deps.report(asHerald(error, 'outbox store load failed')),
      )
      .finally(() => {
        this.loaded = true;
        this.flush();
      });
    return this.restored;
  }

  /** Send whatever waits, in order, one at a time (no-op while disconnected, restoring, or already sending). */
  flush(): void {
    if (this.running || this.disposed || !this.loaded || this.retryTimer !== undefined) return;
    if (this.entries.length === 0 || !this.deps.isConnected()) return;
    this.running = true;
    void this.drain();
  }

  /** Reject every waiting promise (dispose); persisted records stay for the next session. */
  dispose(error: HeraldError): void {
    this.disposed = true;
    if (this.retryTimer !== undefined) this.deps.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const entries = this.entries;
    this.entries = [];
    for (const entry of entries) entry.reject(error);
  }

  private async drain(): Promise<void> {
    try {
      while (!this.disposed && this.deps.isConnected()) {
        const entry = this.entries[0];
        if (!entry) return;
        let result: SendMessageResult;
        try {
          result = await this.deps.transmit(entry.record.frame);
        } catch (error) {
          const herald = asHerald(error, 'send failed');
          if (herald.code === ErrorCode.Disconnected) return; // resent after reconnect, same id
          if (RETRYABLE.includes(herald.code)) {
            this.retryLater(herald);
            return;
          }
          this.remove(entry);
          entry.reject(herald);
          continue;
        }
        this.remove(entry);
        entry.resolve(result);
      }
    } finally {
      // Cleared in the same turn the loop ends, so a flush() right after always starts a new one.
      this.running = false;
    }
  }

  private retryLater(error: HeraldError): void {
    const hinted = (error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    const delay = typeof hinted === 'number' && hinted > 0 ? Math.min(hinted, 30_000) : 1_000;
    this.retryTimer = this.deps.timers.setTimeout(() => {
      this.retryTimer = undefined;
      this.flush();
    }, delay);
  }

  private remove(entry: Entry): void {
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.entries.splice(index, 1);
    this.persist(() => this.deps.store.delete(entry.record.id));
  }

  private persist(write: () => Promise<void>): void {
    try {
      write().catch((error: unknown) => this.deps.report(asHerald(error, 'outbox store write failed')));
    } catch (error) {
      this.deps.report(asHerald(error, 'outbox store write failed'));
    }
  }
}

function asHerald(error: unknown, message: string): HeraldError {
  if (error instanceof HeraldError) return error;
  return new HeraldError(ErrorCode.Internal, `${message}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
