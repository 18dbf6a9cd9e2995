/**
 * Outbox: outgoing messages, queued while disconnected and sent in order once connected.
 * Sending is stop-and-wait: the next message goes out only after the previous one was acked (or
 * failed for good), so a rate-limit reply or a lost connection can never reorder messages (a
 * pipeline could: if message k were refused for now and k+1 accepted, k would land after k+1).
 * The pace is the server's: each send waits for a token of the SendPacer (the server's advertised
 * bucket, which every other frame of the client spends from too) and, after `rate_limited`,
 * exactly the `retryAfterMs` it named (plus `RATE_PAD_MS`).
 * Invariants:
 * - Each message keeps its client id (the frame id) for its whole life, so a resend after a send of
 *   unknown fate (connection lost, timeout) is deduplicated by the server, never duplicated.
 * - The limit guards memory, not patience: at most `maxCount` messages and `maxBytes` of frame
 *   text (UTF-8) are held, failed ones included; one more is refused at once with `queue_full`.
 *   Nothing else refuses a message: transient failures retry without an attempt limit.
 * - A permanent failure rejects the send's promise and keeps the record (state `failed`, with its
 *   error) until the app discards or retries it, so its text is never lost; it does not hold up the
 *   messages behind it.
 * - A record is persisted before its first send, again when it fails for good, and deleted only
 *   after its ack or its discard. Listeners hear every change; `pending()` is a snapshot that stays
 *   the same object until something changes (fits useSyncExternalStore).
 */
import { ErrorCode, HeraldError, type SendMessageResult } from '@herald/protocol';
import type { TimerHandle, Timers } from './environment.js';
import type { OutboxFailure, OutboxFrame, OutboxRecord, OutboxState, OutboxStore } from './outbox-store.js';
import type { RateLimits, SendPacer } from './send-pacer.js';
import { Subscribable } from './subscribable.js';

/** Error codes after which the same message is sent again by itself: the server may accept it later. */
const TRANSIENT: readonly string[] = [
  ErrorCode.RateLimited,
  ErrorCode.Unavailable,
  ErrorCode.Internal,
  ErrorCode.Timeout,
  ErrorCode.Disconnected,
  ErrorCode.NotAuthenticated,
  ErrorCode.TokenExpired,
];

/** Whether a failure with this code is retried by the outbox (anything else fails the message for good). */
export function isTransientFailure(code: string): boolean {
  return TRANSIENT.includes(code);
}

/** Added to a `rate_limited` reply's `retryAfterMs`: the server's bucket refills on its own clock. */
export const RATE_PAD_MS = 5;
/** Retry delays after `unavailable`, `internal` or `timeout`: doubling from the first, capped at the last. */
const RETRY_BASE_MS = 500;
const RETRY_CAP_MS = 30_000;

interface Entry {
  record: OutboxRecord;
  bytes: number;
  /** Failures in a row (for the retry delay; never a limit). */
  attempts: number;
  /** Left by an earlier session: no caller waits on it, so its failures go to `report`. */
  restored: boolean;
  resolve: (result: SendMessageResult) => void;
  reject: (error: HeraldError) => void;
}

export interface OutboxDeps {
  timers: Timers;
  store: OutboxStore;
  /** Most messages held (default 10,000). */
  maxCount: number;
  /** Most frame bytes held (UTF-8 JSON; default 16 MiB). */
  maxBytes: number;
  pacer: SendPacer;
  /** Send one frame on the current connection and wait for its validated ack result. */
  transmit: (frame: OutboxFrame) => Promise<SendMessageResult>;
  /** Whether a connection is ready for sending. */
  isConnected: () => boolean;
  report: (error: HeraldError) => void;
}

export class Outbox extends Subscribable {
  #entries: Entry[] = [];
  #bytes = 0;
  #snapshot: readonly OutboxRecord[] | null = null;
  #running = false;
  #retryTimer: TimerHandle | undefined;
  #restored: Promise<void> | null = null;
  /** Set once `restore()` finished (or failed): only then may sending start, so older records go first. */
  #loaded = false;
  #disposed = false;
  /** Last `queuedAt` handed out: strictly increasing, so records sort in send order even within one millisecond. */
  #lastQueuedAt = 0;

  readonly #deps: OutboxDeps;
  constructor(deps: OutboxDeps) {
    super();
    this.#deps = deps;
  }

  get size(): number {
    return this.#entries.length;
  }

  /** Every message held, oldest first: queued, sending and failed (same array until something changes). */
  pending(): readonly OutboxRecord[] {
    this.#snapshot ??= this.#entries.map((entry) => entry.record);
    return this.#snapshot;
  }

  /** Queue a message; resolves with its ack result, rejects when the server refuses it for good. */
  add(frame: OutboxFrame): Promise<SendMessageResult> {
    if (this.#disposed) return Promise.reject(new HeraldError(ErrorCode.Disconnected, 'client disposed'));
    if (this.#entries.some((entry) => entry.record.id === frame.id)) {
      return Promise.reject(new HeraldError(ErrorCode.Conflict, `message ${frame.id} is already queued`));
    }
    const bytes = utf8Length(JSON.stringify(frame));
    const { maxCount, maxBytes } = this.#deps;
    if (this.#entries.length + 1 > maxCount || this.#bytes + bytes > maxBytes) {
      return Promise.reject(
        new HeraldError(
          ErrorCode.QueueFull,
          `outbox full: ${this.#entries.length} messages (${this.#bytes} bytes) wait; the limit is ${maxCount} messages or ${maxBytes} bytes`,
          { reason: 'outbox_full', count: this.#entries.length, bytes: this.#bytes, maxCount, maxBytes },
        ),
      );
    }
    const promise = this.#enqueue({ id: frame.id, frame, queuedAt: this.#nextQueuedAt(), state: 'queued' }, bytes);
    this.flush();
    return promise;
  }

  /** Send a failed message again (same id), behind what is queued now; resolves with its ack. */
  retry(id: string): Promise<SendMessageResult> {
    const entry = this.#find(id);
    if (this.#disposed) return Promise.reject(new HeraldError(ErrorCode.Disconnected, 'client disposed'));
    if (entry?.record.state !== 'failed') {
      return Promise.reject(new HeraldError(ErrorCode.NotFound, `no failed message ${id} in the outbox`));
    }
    this.#removeEntry(entry);
    const { error: _dropped, ...rest } = entry.record;
    const promise = this.#enqueue({ ...rest, queuedAt: this.#nextQueuedAt(), state: 'queued' }, entry.bytes);
    this.flush();
    return promise;
  }

  /**
   * Drop a queued or failed message (its promise, if still waiting, rejects with `conflict`,
   * `details.reason: 'discarded'`). False when there is none, or when it is being sent: its fate is
   * the server's then (the ack or the failure will tell).
   */
  discard(id: string): boolean {
    const entry = this.#find(id);
    if (!entry || entry.record.state === 'sending') return false;
    this.#removeEntry(entry);
    this.#persist(() => this.#deps.store.delete(id));
    this.#changed();
    // A failed message's promise already rejected; a restored one has no caller to tell.
    if (entry.record.state === 'queued' && !entry.restored) {
      entry.reject(new HeraldError(ErrorCode.Conflict, `message ${id} was discarded`, { reason: 'discarded' }));
    }
    return true;
  }

  /**
   * Put back what the store kept from an earlier session (ahead of anything queued since, as it is
   * older; failed ones stay failed). Runs once; their outcome is reported only on failure (the
   * `new_message` echo, carrying the same `clientId`, tells the app it was delivered).
   */
  restore(): Promise<void> {
    this.#restored ??= this.#deps.store
      .load()
      .then(
        (records) => {
          if (this.#disposed) return;
          const known = new Set(this.#entries.map((entry) => entry.record.id));
          const older: Entry[] = [];
          for (const stored of records) {
            this.#lastQueuedAt = Math.max(this.#lastQueuedAt, stored.queuedAt);
            if (known.has(stored.id)) continue;
            const record: OutboxRecord = { ...stored, state: stored.state === 'failed' ? 'failed' : 'queued' };
            const bytes = utf8Length(JSON.stringify(record.frame));
            this.#bytes += bytes;
            older.push({
              record,
              bytes,
              attempts: 0,
              restored: true,
              resolve: () => undefined,
              reject: (error) => this.#deps.report(error),
            });
          }
          this.#entries = [...older, ...this.#entries];
          if (older.length > 0) this.#changed();
        },
        (error: unknown) => this.#deps.report(asHerald(error, 'outbox store load failed')),
      )
      .finally(() => {
        this.#loaded = true;
        this.flush();
      });
    return this.#restored;
  }

  /** A follower tab of a shared connection: send only what this tab queues; the leader restores the store. */
  skipRestore(): void {
    this.#restored ??= Promise.resolve();
    this.#loaded = true;
    this.flush();
  }

  /**
   * This tab now leads a shared connection: take over what the store holds that this tab does not
   * (left by a tab that closed, or queued by a live one: the hub sends one id to the server once).
   */
  adopt(): Promise<void> {
    this.#restored = null;
    return this.restore();
  }

  /** A connection became ready (for `userId`): pace to its limits and send at once (a wait for a server fault restarts too). */
  connected(limits: RateLimits | undefined, userId?: string): void {
    if (userId !== undefined) this.#deps.store.scope?.(userId);
    this.#deps.pacer.configure(limits);
    this.#clearRetry();
    this.flush();
  }

  /** Send whatever waits, in order, one at a time (no-op while disconnected, restoring, waiting, or already sending). */
  flush(): void {
    if (this.#running || this.#disposed || !this.#loaded || this.#retryTimer !== undefined) return;
    if (!this.#deps.isConnected() || !this.#next()) return;
    this.#running = true;
    void this.#drain();
  }

  /** Reject every waiting promise (dispose); persisted records stay for the next session. */
  dispose(error: HeraldError): void {
    this.#disposed = true;
    this.#clearRetry();
    const entries = this.#entries;
    this.#entries = [];
    this.#bytes = 0;
    this.#changed();
    for (const entry of entries) if (entry.record.state !== 'failed') entry.reject(error);
  }

  async #drain(): Promise<void> {
    try {
      while (!this.#disposed && this.#deps.isConnected()) {
        const entry = this.#next();
        if (!entry) return;
        const wait = this.#deps.pacer.wait();
        if (wait > 0) return this.#retryAfter(wait);
        this.#update(entry, 'sending', entry.record.error);
        this.#deps.pacer.spend();
        let result: SendMessageResult;
        try {
          result = await this.#deps.transmit(entry.record.frame);
        } catch (error) {
          const herald = asHerald(error, 'send failed');
          if (this.#disposed) return;
          if (!isTransientFailure(herald.code)) {
            this.#update(entry, 'failed', failureOf(herald, false));
            this.#persist(() => this.#deps.store.put(entry.record));
            entry.reject(herald);
            continue;
          }
          entry.attempts++;
          this.#update(entry, 'queued', failureOf(herald, true));
          // A lost connection: sent again once the next one is ready (`connected`), same id.
          if (herald.code === ErrorCode.Disconnected && !this.#deps.isConnected()) return;
          return this.#retryAfter(this.#retryDelay(herald, entry.attempts));
        }
        this.#removeEntry(entry);
        this.#persist(() => this.#deps.store.delete(entry.record.id));
        this.#changed();
        entry.resolve(result);
      }
    } finally {
      // Cleared in the same turn the loop ends, so a flush() right after always starts a new one.
      this.#running = false;
    }
  }

  /** `rate_limited`: exactly its `retryAfterMs` (plus a pad); other transient failures: doubling delays. */
  #retryDelay(error: HeraldError, attempts: number): number {
    const hinted = (error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    if (error.code === ErrorCode.RateLimited && typeof hinted === 'number' && hinted >= 0) {
      this.#deps.pacer.blocked(hinted);
      return Math.min(hinted, RETRY_CAP_MS) + RATE_PAD_MS;
    }
    if (error.code === ErrorCode.Disconnected) return RETRY_BASE_MS;
    return Math.min(RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 16), RETRY_CAP_MS);
  }

  #retryAfter(ms: number): void {
    this.#clearRetry();
    this.#retryTimer = this.#deps.timers.setTimeout(() => {
      this.#retryTimer = undefined;
      this.flush();
    }, ms);
  }

  #clearRetry(): void {
    if (this.#retryTimer !== undefined) this.#deps.timers.clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  #next(): Entry | undefined {
    return this.#entries.find((entry) => entry.record.state !== 'failed');
  }

  #find(id: string): Entry | undefined {
    return this.#entries.find((entry) => entry.record.id === id);
  }

  #enqueue(record: OutboxRecord, bytes: number): Promise<SendMessageResult> {
    const promise = new Promise<SendMessageResult>((resolve, reject) => {
      this.#entries.push({ record, bytes, attempts: 0, restored: false, resolve, reject });
    });
    this.#bytes += bytes;
    this.#persist(() => this.#deps.store.put(record));
    this.#changed();
    return promise;
  }

  #update(entry: Entry, state: OutboxState, error: OutboxFailure | undefined): void {
    const { error: _previous, ...rest } = entry.record;
    entry.record = error ? { ...rest, state, error } : { ...rest, state };
    this.#changed();
  }

  #removeEntry(entry: Entry): void {
    const index = this.#entries.indexOf(entry);
    if (index < 0) return;
    this.#entries.splice(index, 1);
    this.#bytes -= entry.bytes;
  }

  #nextQueuedAt(): number {
    this.#lastQueuedAt = Math.max(this.#deps.timers.now(), this.#lastQueuedAt + 1);
    return this.#lastQueuedAt;
  }

  #changed(): void {
    this.#snapshot = null;
    this.notify();
  }

  #persist(write: () => Promise<void>): void {
    try {
      write().catch((error: unknown) => this.#deps.report(asHerald(error, 'outbox store write failed')));
    } catch (error) {
      this.#deps.report(asHerald(error, 'outbox store write failed'));
    }
  }
}

function failureOf(error: HeraldError, retryable: boolean): OutboxFailure {
  const failure: OutboxFailure = { code: error.code, message: error.message, retryable };
  if (error.details !== undefined) failure.details = error.details;
  return failure;
}

const encoder = new TextEncoder();

/** UTF-8 length of a frame's JSON (what the memory limit counts). */
export function utf8Length(text: string): number {
  return encoder.encode(text).byteLength;
}

function asHerald(error: unknown, message: string): HeraldError {
  if (error instanceof HeraldError) return error;
  return new HeraldError(ErrorCode.Internal, `${message}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
}
