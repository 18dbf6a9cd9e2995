/**
 * RefCount: one connection shared by every consumer of a page. The first `acquire()` runs `onFirst`
 * (connect); the last release runs `onLast` (disconnect) only after `graceMs`, and an acquire within
 * the grace cancels it, so a route change that unmounts one consumer and mounts the next does not
 * drop and re-open the socket. Invariant: each release function counts once, however often called.
 */
import type { TimerHandle, Timers } from './environment.js';

export class RefCount {
  #holders = 0;
  #graceTimer: TimerHandle | undefined;
  /** Bumped by clear(): release functions from before it do nothing. */
  #epoch = 0;

  readonly #timers: Timers;
  readonly #graceMs: number;
  readonly #onFirst: () => void;
  readonly #onLast: () => void;
  constructor(timers: Timers, graceMs: number, onFirst: () => void, onLast: () => void) {
    this.#timers = timers;
    this.#graceMs = graceMs;
    this.#onFirst = onFirst;
    this.#onLast = onLast;
  }

  get count(): number {
    return this.#holders;
  }

  /** Take a reference; returns its release function. */
  acquire(): () => void {
    this.#holders++;
    if (this.#graceTimer !== undefined) {
      this.#timers.clearTimeout(this.#graceTimer);
      this.#graceTimer = undefined;
    } else if (this.#holders === 1) {
      this.#onFirst();
    }
    let released = false;
    const epoch = this.#epoch;
    return () => {
      if (released || epoch !== this.#epoch) return;
      released = true;
      this.#holders--;
      if (this.#holders === 0) {
        this.#graceTimer = this.#timers.setTimeout(() => {
          this.#graceTimer = undefined;
          this.#onLast();
        }, this.#graceMs);
      }
    };
  }

  /** Forget every holder and any pending grace (dispose). */
  clear(): void {
    if (this.#graceTimer !== undefined) this.#timers.clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#holders = 0;
    this.#epoch++;
  }
}
