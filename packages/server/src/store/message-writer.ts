/**
 * MessageWriter: the node's single persist pipeline. Messages accepted in the same event-loop turn
 * are written together in one transaction (`appendMessages`), then handed to `committed` in
 * order, and only then are their promises resolved.
 * Up to `concurrency` batches are in flight at once (PostgreSQL: each is a round trip, and a queue
 * behind one round trip is most of a message's latency; SQLite writes synchronously, so its batches
 * never overlap). A batch never takes a message of a conversation that is in flight, nor one queued
 * behind such a message.
 * Changes to posted messages (edit, delete, reaction: `change`) take the same queue: a change runs
 * as a batch of its own, after everything queued before it in its conversation and before anything
 * queued after it, and is published by its own `publish` before its promise resolves.
 * Invariants: persist before acknowledge; per conversation, batches run one after another and in
 * queue order, so this node publishes each conversation's messages and changes in seq order; a
 * batch that fails is retried one message at a time, so one bad message fails alone.
 */
import type { AppendResult, NewMessage } from './message-append.js';

/** Where a MessageWriter writes: the messages feature's repository. */
export interface MessageSink {
  appendMessage(message: NewMessage): Promise<AppendResult>;
  appendMessages(messages: readonly NewMessage[]): Promise<AppendResult[]>;
}

interface PendingMessage {
  kind: 'message';
  conversationId: string;
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** A change: `write` stores it (its own transaction), `publish` hands it on; both before it resolves. */
interface PendingChange {
  kind: 'change';
  conversationId: string;
  run: () => Promise<void>;
}

type Pending = PendingMessage | PendingChange;

export interface MessageWriterOptions {
  maxBatch?: number;
  /** Batches in flight at once (default 1). */
  concurrency?: number;
}

export class MessageWriter {
  private queue: Pending[] = [];
  /** Changes in `queue`: while there are any, a batch is picked item by item. */
  private changes = 0;
  private scheduled = false;
  private readonly writing = new Set<string>();
  private running = 0;
  private idle: (() => void)[] = [];
  private readonly maxBatch: number;
  private readonly concurrency: number;

  constructor(
    private readonly sink: MessageSink,
    /** Called once per batch, with every result (duplicates included), before its acks; batches of one conversation in order. */
    private readonly committed: (results: readonly AppendResult[]) => Promise<void>,
    options: MessageWriterOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 256;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  append(message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ kind: 'message', conversationId: message.conversationId, message, resolve, reject });
      this.schedule();
    });
  }

  /**
   * Queue a change of `conversationId`: `write` runs in its turn (alone), then `publish` with what
   * it returned; resolves with that, or rejects with `write`'s error (nothing is published then).
   */
  change<T>(conversationId: string, write: () => Promise<T>, publish: (result: T) => Promise<void>): Promise<T> {
    return new Promise((resolve, reject) => {
      const run = async () => {
        let result: T;
        try {
          result = await write();
        } catch (error) {
          reject(error);
          return;
        }
        try {
          await publish(result);
        } catch {
          // Publishing is best-effort once stored: subscribers resume from the store.
        }
        resolve(result);
      };
      this.queue.push({ kind: 'change', conversationId, run });
      this.changes++;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // setImmediate, not a microtask: lets frames that arrived in the same I/O phase join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Resolves when everything appended so far is written and published. */
  drain(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0 && !this.scheduled) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const batch = this.takeBatch();
      if (batch.length === 0) break; // everything queued waits for a conversation in flight
      const conversations = new Set(batch.map((item) => item.conversationId));
      for (const id of conversations) this.writing.add(id);
      this.running++;
      const first = batch[0];
      const running = first?.kind === 'change' ? first.run() : this.run(batch as PendingMessage[]);
      void running.finally(() => {
        for (const id of conversations) this.writing.delete(id);
        this.running--;
        this.pump();
        if (this.queue.length === 0 && this.running === 0 && !this.scheduled) {
          for (const resolve of this.idle.splice(0)) resolve();
        }
      });
    }
  }

  /**
   * The longest run of queued messages whose conversations are not in flight, keeping
   * per-conversation order; or one change alone, when it comes first among what may run.
   */
  private takeBatch(): Pending[] {
    if (this.changes === 0 && this.writing.size === 0 && this.queue.length <= this.maxBatch) return this.queue.splice(0);
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    const blocked = new Set(this.writing);
    let closed = false;
    for (const item of this.queue) {
      const id = item.conversationId;
      const free = !closed && !blocked.has(id) && batch.length < this.maxBatch;
      if (free && item.kind === 'change' && batch.length === 0) {
        batch.push(item);
        this.changes--;
        closed = true; // a change runs alone
      } else if (free && item.kind === 'message') batch.push(item);
      else {
        // Whatever waits here keeps its conversation's later items behind it.
        blocked.add(id);
        rest.push(item);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async run(batch: PendingMessage[]): Promise<void> {
    const outcomes = await this.write(batch);
    const results = outcomes.filter((o): o is AppendResult => !(o instanceof Error));
    try {
      await this.committed(results);
    } catch {
      // Publishing is best-effort once stored: subscribers resume from the store.
    }
    for (const [index, item] of batch.entries()) {
      const outcome = outcomes[index];
      if (outcome instanceof Error || outcome === undefined) item.reject(outcome ?? new Error('no result'));
      else item.resolve(outcome);
    }
  }

  private async write(batch: PendingMessage[]): Promise<(AppendResult | Error)[]> {
    if (batch.length > 1) {
      try {
        return await this.sink.appendMessages(batch.map((item) => item.message));
      } catch {
        // Fall through: find which message is at fault by writing them one by one.
      }
    }
    const outcomes: (AppendResult | Error)[] = [];
    for (const item of batch) {
      try {
        outcomes.push(await this.sink.appendMessage(item.message));
      } catch (error) {
        outcomes.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return outcomes;
  }
}
