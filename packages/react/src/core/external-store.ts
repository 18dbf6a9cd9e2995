/**
 * ExternalStore: the small observable every Herald React hook wraps with `useSyncExternalStore`.
 * It starts its work (handlers, requests) when the first listener subscribes and stops it shortly
 * after the last one leaves; a listener that comes back within that tick cancels the stop, so React
 * Strict Mode's subscribe → unsubscribe → subscribe does no work twice.
 * Invariants: `getSnapshot()` returns the same object until the state changes; no listener is called
 * after it unsubscribed; `onStop` always follows an `onStart` before the next `onStart`.
 */
import { systemTimers, type TimerHandle, type Timers } from '@herald/client';

export abstract class ExternalStore<S> {
  private readonly listeners = new Set<() => void>();
  private stopTimer: TimerHandle | undefined;
  private running = false;

  protected constructor(
    private state: S,
    protected readonly timers: Timers = systemTimers,
  ) {}

  /** The current snapshot; stable between changes. */
  getSnapshot = (): S => this.state;

  /** Listen to changes; the first listener starts the store. Returns an unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    if (this.stopTimer !== undefined) {
      this.timers.clearTimeout(this.stopTimer);
      this.stopTimer = undefined;
    } else if (!this.running) {
      this.running = true;
      this.onStart();
    }
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      this.stopTimer = this.timers.setTimeout(() => {
        this.stopTimer = undefined;
        this.running = false;
        this.onStop();
      }, 0);
    };
  };

  /** Whether the store is started (has, or just had, listeners). */
  get active(): boolean {
    return this.running;
  }

  protected abstract onStart(): void;
  protected abstract onStop(): void;

  protected setState(next: S): void {
    if (Object.is(next, this.state)) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
