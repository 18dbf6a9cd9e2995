/**
 * ReconnectScheduler: runs the next connection attempt after a backoff delay, but never while the
 * host says it is offline: going offline pauses the wait, coming back online runs the attempt at
 * once. `runNow()` lets other signals (page became visible, `reconnect()`) skip the wait.
 * Invariant: at most one attempt is pending; `cancel()`/`dispose()` leave no timer behind.
 */
import type { OnlineSource, TimerHandle, Timers } from './environment.js';

export class ReconnectScheduler {
  private timer: TimerHandle | undefined;
  private pending: (() => void) | null = null;
  private readonly stopListening: () => void;

  constructor(
    private readonly timers: Timers,
    private readonly online: OnlineSource,
  ) {
    this.stopListening = online.subscribe((isOnline) => {
      if (isOnline) this.runNow();
      else this.clearTimer();
    });
  }

  /** True while an attempt waits (on its timer or for the network). */
  get waiting(): boolean {
    return this.pending !== null;
  }

  /**
   * Run `attempt` after `delayMs` (when online). Returns when it is due, or null when paused
   * because the host is offline (it then runs as soon as the host is back online).
   */
  schedule(delayMs: number, attempt: () => void): number | null {
    this.cancel();
    this.pending = attempt;
    if (!this.online.isOnline()) return null;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.runNow();
    }, delayMs);
    return this.timers.now() + delayMs;
  }

  /** Run the waiting attempt now (if any, and if online). Returns true when one ran. */
  runNow(): boolean {
    const attempt = this.pending;
    if (!attempt || !this.online.isOnline()) return false;
    this.cancel();
    attempt();
    return true;
  }

  /** Drop the waiting attempt. */
  cancel(): void {
    this.clearTimer();
    this.pending = null;
  }

  dispose(): void {
    this.cancel();
    this.stopListening();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
