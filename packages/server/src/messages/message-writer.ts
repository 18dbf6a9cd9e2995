/**
 * MessageWriter: the node's single persist pipeline. Messages accepted in the same event-loop turn
 * are written together in one transaction (`store.appendMessages`), then handed to `committed` in
 * order, and only then are their promises resolved.
 * Invariants: persist before acknowledge; batches run one after another, so this node publishes
 * each conversation's messages in seq order; a batch that fails is retried one message at a time,
 * so one bad message fails alone.
 */
import type { AppendResult, NewMessage, Store } from '../store/store.js';

interface Pending {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

export class MessageWriter {
  private queue: Pending[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Store,
    /** Called once per batch, in order, with every result (duplicates included), before acks. */
    private readonly committed: (results: readonly AppendResult[]) => Promise<void>,
    private readonly maxBatch = 256,
  ) {}

  append(message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      // setImmediate, not a microtask: lets frames that arrived in the same I/O phase join the batch.
      this.running ??= new Promise<void>((done) => setImmediate(() => void this.run().finally(done)));
    });
  }

  /** Resolves when everything appended so far is written and published. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
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
    } finally {
      this.running = undefined;
    }
  }

  private async write(batch: Pending[]): Promise<(AppendResult | Error)[]> {
    if (batch.length > 1) {
      try {
        return await this.store.appendMessages(batch.map((item) => item.message));
      } catch {
        // Fall through: find which message is at fault by writing them one by one.
      }
    }
    const outcomes: (AppendResult | Error)[] = [];
    for (const item of batch) {
      try {
        outcomes.push(await this.store.appendMessage(item.message));
      } catch (error) {
        outcomes.push(error instanceof Error ? error : new Error(String(error)));
      }
    }
    return outcomes;
  }
}
