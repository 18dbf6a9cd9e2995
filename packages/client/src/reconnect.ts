/**
 * ReconnectScheduler: runs the next connection attempt after a backoff delay, but never while the
 * host says it is offline: going offline pauses the wait, coming back online runs the attempt
 * soon (within a small jitter, so a fleet woken by one network change does not arrive in lockstep).
 * `runNow()` (`reconnect()`) skips the wait; `runSoon()` (page visible, focus, pageshow) brings it forward.
 * Invariant: at most one attempt is pending; `cancel()`/`dispose()` leave no timer behind.
 */
import type { OnlineSource, TimerHandle, Timers } from './environment.js';

export class ReconnectScheduler {
  #timer: TimerHandle | undefined;
  #pending: (() => void) | null = null;
  /** When the waiting attempt is due (ms), or null (none, or waiting for the network). */
  #dueAt: number | null = null;
  readonly #stopListening: () => void;

  readonly #timers: Timers;
  readonly #online: OnlineSource;
  readonly #random: () => number;
  readonly #wakeJitterMs: number;
  constructor(timers: Timers, online: OnlineSource, random: () => number = Math.random, wakeJitterMs = 0) {
    this.#timers = timers;
    this.#online = online;
    this.#random = random;
    this.#wakeJitterMs = wakeJitterMs;
    this.#stopListening = online.subscribe((isOnline) => {
      if (isOnline) this.runSoon();
      else this.#clearTimer();
    });
  }

  /** True while an attempt waits (on its timer or for the network). */
  get waiting(): boolean {
    return this.#pending !== null;
  }

  /**
   * Run `attempt` after `delayMs` (when online). Returns when it is due, or null when paused
   * because the host is offline (it then runs as soon as the host is back online).
   */
  schedule(delayMs: number, attempt: () => void): number | null {
    this.cancel();
    this.#pending = attempt;
    if (!this.#online.isOnline()) return null;
    this.#arm(delayMs);
    return this.#dueAt;
  }

  /**
   * Bring the waiting attempt forward to within the wake jitter (never later than it was due).
   * Returns the new due time, or null when nothing waits or the host is offline.
   */
  runSoon(): number | null {
    if (!this.#pending || !this.#online.isOnline()) return null;
    const delayMs = Math.floor(this.#random() * this.#wakeJitterMs);
    if (delayMs === 0) {
      this.runNow();
      return null;
    }
    const due = this.#timers.now() + delayMs;
    if (this.#dueAt === null || due < this.#dueAt) this.#arm(delayMs);
    return this.#dueAt;
  }

  /** Run the waiting attempt now (if any, and if online). Returns true when one ran. */
  runNow(): boolean {
    const attempt = this.#pending;
    if (!attempt || !this.#online.isOnline()) return false;
    this.cancel();
    attempt();
    return true;
  }

  /** Drop the waiting attempt. */
  cancel(): void {
    this.#clearTimer();
    this.#pending = null;
  }

  dispose(): void {
    this.cancel();
    this.#stopListening();
  }

  #arm(delayMs: number): void {
    this.#clearTimer();
    this.#dueAt = this.#timers.now() + delayMs;
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      this.runNow();
    }, delayMs);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = null;
  }
}
