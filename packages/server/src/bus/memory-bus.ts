/**
 * In-process Bus: publish calls every handler synchronously, in subscription order.
 * Serves a single node and doubles as the reference implementation for the bus contract suite.
 */
import type { Bus, BusHandler, BusMessage, BusStatus } from './bus.js';

export class MemoryBus implements Bus {
  readonly kind = 'memory';
  private readonly handlers = new Set<BusHandler>();
  private closed = false;

  async publish(message: BusMessage): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch {
        // A faulty subscriber must not stop delivery to the others; subscribers log their own errors.
      }
    }
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  /** One process has no medium that can fail: never restored, always ok. */
  onRestored(_listener: () => void): () => void {
    return () => undefined;
  }

  status(): BusStatus {
    return { state: 'ok', queued: 0, dropped: 0 };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
