/**
 * OutboxStore: where pending outgoing messages are kept so they survive a reload.
 * The outbox writes a record before a message is first sent, again when it fails for good (state
 * `failed`, so its text is never lost), and deletes it once the server acked it or the app
 * discarded it; `load()` returns what is left, oldest first. `IndexedDbOutboxStore` is the
 * browser's (and the default where `indexedDB` exists), memory elsewhere; `FallbackOutboxStore`
 * carries on in memory when the browser's store fails. Invariant: a record's `id` is the message's
 * idempotency key, so replaying a record that the server already stored is harmless.
 */
import type { ClientFrameOf, ErrorCode } from '@herald/protocol';

/** A `send_message` frame as queued (its `id` is the client id / idempotency key). */
export type OutboxFrame = ClientFrameOf<'send_message'>;

/**
 * Where a message is: `queued` (waiting, or retrying after a transient failure: then `error` says
 * which), `sending` (on the wire, waiting for its ack) or `failed` (refused for good: `error` says
 * why; it stays until `discardMessage` or `retryMessage`).
 */
export type OutboxState = 'queued' | 'sending' | 'failed';

/** Why a message failed (for good, or for now when `retryable`). */
export interface OutboxFailure {
  code: ErrorCode;
  message: string;
  /** True for failures the outbox retries by itself (rate limits, server faults, timeouts, lost connections). */
  retryable: boolean;
  details?: unknown;
}

/** One message in the outbox. Records are immutable: a change of state is a new record. */
export interface OutboxRecord {
  id: string;
  frame: OutboxFrame;
  /** When it was queued (ms since epoch, strictly increasing per outbox); orders records on load. */
  queuedAt: number;
  /** Absent in records stored by older clients: `queued`. Stored `sending` loads as `queued`. */
  state?: OutboxState;
  error?: OutboxFailure;
}

/** Persistence for the outbox. Every method may reject; the outbox reports it and carries on in memory. */
export interface OutboxStore {
  /** Every stored record, oldest first. */
  load(): Promise<OutboxRecord[]>;
  put(record: OutboxRecord): Promise<void>;
  delete(id: string): Promise<void>;
  /** Told the account once a connection is ready (every time): a store shared by accounts keeps each one's records apart. */
  scope?(userId: string): void;
}

/** Keeps records in memory: survives a client's `dispose()` (share one instance), not a reload. */
export class MemoryOutboxStore implements OutboxStore {
  readonly #records = new Map<string, OutboxRecord>();

  async load(): Promise<OutboxRecord[]> {
    return [...this.#records.values()].sort((a, b) => a.queuedAt - b.queuedAt);
  }

  async put(record: OutboxRecord): Promise<void> {
    this.#records.set(record.id, record);
  }

  async delete(id: string): Promise<void> {
    this.#records.delete(id);
  }

  get size(): number {
    return this.#records.size;
  }
}

/**
 * A store that falls back to memory: the first failure of `primary` (IndexedDB refused, quota,
 * private mode) is reported once and every later call goes to memory, so the outbox keeps working
 * for this page's life. Records the primary already holds are left there for the next session.
 */
export class FallbackOutboxStore implements OutboxStore {
  readonly #memory = new MemoryOutboxStore();
  #failed = false;

  readonly #primary: OutboxStore;
  readonly #report: (error: unknown) => void;
  constructor(primary: OutboxStore, report: (error: unknown) => void) {
    this.#primary = primary;
    this.#report = report;
  }

  /** Whether the primary failed and memory took over. */
  get fellBack(): boolean {
    return this.#failed;
  }

  load(): Promise<OutboxRecord[]> {
    return this.#call((store) => store.load());
  }

  put(record: OutboxRecord): Promise<void> {
    return this.#call((store) => store.put(record));
  }

  delete(id: string): Promise<void> {
    return this.#call((store) => store.delete(id));
  }

  async #call<T>(action: (store: OutboxStore) => Promise<T>): Promise<T> {
    if (this.#failed) return action(this.#memory);
    try {
      return await action(this.#primary);
    } catch (error) {
      if (!this.#failed) {
        this.#failed = true;
        this.#report(error);
      }
      return action(this.#memory);
    }
  }
}
