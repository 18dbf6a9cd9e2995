/**
 * CounterStore: fixed-window counters that limits count with (logins per IP, per account, the
 * global login ceiling, handshakes per IP…). One implementation per node (memory) and one shared by
 * every node of a cluster (Redis), so a limit that is global holds across nodes.
 * Invariants: a window starts at the first hit on a key and lasts `windowMs`; `hit` never throws
 * (a store that cannot reach its medium counts on this node instead, and logs that once).
 */
export interface WindowCount {
  /** Hits in the current window, including this one. */
  count: number;
  /** Milliseconds until the window ends and the count starts again from 0. */
  resetInMs: number;
}

export interface CounterStore {
  readonly kind: 'memory' | 'redis';
  /** Adds `cost` (default 1) to `key` in its current window of `windowMs` and returns the count after it. */
  hit(key: string, windowMs: number, cost?: number): Promise<WindowCount>;
  /** The current window of `key` without counting (count 0 when there is none). */
  peek(key: string): Promise<WindowCount>;
  /** Ends `key`'s window (e.g. a successful login clears the account's failures). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}
