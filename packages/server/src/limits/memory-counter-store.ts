/**
 * CounterStore in this process's memory: exact for one node. Expired windows are swept every
 * minute so keys that are never hit again do not pile up.
 */
import type { CounterStore, WindowCount } from './counter-store.js';

interface Window {
  count: number;
  endsAt: number;
}

export class MemoryCounterStore implements CounterStore {
  readonly kind = 'memory';
  private readonly windows = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  /** Synchronous form of `hit`, for callers on a hot path (and the Redis store's fallback). */
  hitNow(key: string, windowMs: number, cost = 1): WindowCount {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || window.endsAt <= now) {
      window = { count: 0, endsAt: now + windowMs };
      this.windows.set(key, window);
    }
    window.count += cost;
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async hit(key: string, windowMs: number, cost = 1): Promise<WindowCount> {
    return this.hitNow(key, windowMs, cost);
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.now();
    const window = this.windows.get(key);
    if (!window || window.endsAt <= now) return { count: 0, resetInMs: 0 };
    return { count: window.count, resetInMs: window.endsAt - now };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.windows.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }
}
