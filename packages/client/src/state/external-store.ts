/**
 * ExternalStore: a Subscribable with a snapshot, the shape every UI binding reads (React's
 * `useSyncExternalStore`, a Vue `shallowRef`, a Svelte store). It starts its work (handlers,
 * requests) when the first listener subscribes and stops it shortly after the last one leaves; a
 * listener that comes back within that tick cancels the stop, so React Strict Mode's
 * subscribe → unsubscribe → subscribe does no work twice.
 * Invariants: `getSnapshot()` returns the same object until the state changes; no listener is called
 * after it unsubscribed; `onStop` always follows an `onStart` before the next `onStart`.
 */
import { systemTimers, type TimerHandle, type Timers } from '../environment.js';
import { Subscribable } from '../subscribable.js';

export abstract class ExternalStore<S> extends Subscribable {
  private stopTimer: TimerHandle | undefined;
  private running = false;

  protected constructor(
    private state: S,
    protected readonly timers: Timers = systemTimers,
  ) {
    super();
  }

  /** The current snapshot; stable between changes. */
  getSnapshot = (): S => this.state;

  /** Whether the store is started (has, or just had, listeners). */
  get active(): boolean {
    return this.running;
  }

  protected abstract onStart(): void;
  protected abstract onStop(): void;

  protected setState(next: S): void {
    if (Object.is(next, this.state)) return;
    this.state = next;
    this.notify();
  }

  /** The first listener starts the store, or cancels a stop still due from the last one leaving. */
  protected override onSubscribe(): void {
    if (this.stopTimer !== undefined) {
      this.timers.clearTimeout(this.stopTimer);
      this.stopTimer = undefined;
    } else if (!this.running) {
      this.running = true;
      this.onStart();
    }
  }

  /** The last listener leaving stops the store one tick later. */
  protected override onUnsubscribe(): void {
    if (this.hasListeners()) return;
    this.stopTimer = this.timers.setTimeout(() => {
      this.stopTimer = undefined;
      this.running = false;
      this.onStop();
    }, 0);
  }
}
