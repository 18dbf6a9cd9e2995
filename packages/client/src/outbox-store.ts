/**
 * OutboxStore: where pending outgoing messages are kept so they survive a reload.
 * The outbox writes a record before a message is first sent and deletes it once the server acked it;
 * `load()` returns what is left, oldest first. Memory is the default; `IndexedDbOutboxStore` is the
 * browser one. Invariant: a record's `id` is the message's idempotency key, so replaying a record
 * that the server already stored is harmless.
 */
import type { ClientFrameOf } from '@herald/protocol';

/** A `send_message` frame as queued (its `id` is the client id / idempotency key). */
export type OutboxFrame = ClientFrameOf<'send_message'>;

/** One queued message. */
export interface OutboxRecord {
  id: string;
  frame: OutboxFrame;
  /** When it was queued (ms since epoch, strictly increasing per outbox); orders records on load. */
  queuedAt: number;
}

/** Persistence for the outbox. Every method may reject; the outbox reports it and carries on in memory. */
export interface OutboxStore {
  /** Every stored record, oldest first. */
  load(): Promise<OutboxRecord[]>;
  put(record: OutboxRecord): Promise<void>;
  delete(id: string): Promise<void>;
}

/** Keeps records in memory: survives a client's `dispose()` (share one instance), not a reload. */
export class MemoryOutboxStore implements OutboxStore {
  private readonly records = new Map<string, OutboxRecord>();

  async load(): Promise<OutboxRecord[]> {
    return [...this.records.values()].sort((a, b) => a.queuedAt - b.queuedAt);
  }

  async put(record: OutboxRecord): Promise<void> {
    this.records.set(record.id, record);
  }

  async delete(id: string): Promise<void> {
    this.records.delete(id);
  }

  get size(): number {
    return this.records.size;
  }
}
