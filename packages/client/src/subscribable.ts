/**
 * Subscribable: the one observable primitive of the SDK and its UI bindings (after TanStack Query's
 * query-core `Subscribable`): a set of listeners, `subscribe(listener)` that returns its own
 * unsubscribe, and `onSubscribe`/`onUnsubscribe` hooks for subclasses that start and stop work
 * lazily. The connection state, the UI stores and the web app's own stores all extend it.
 * Invariants: `subscribe` is bound, so it can be passed around on its own (`useSyncExternalStore`);
 * a function subscribed twice is one listener; an unsubscribe runs its `onUnsubscribe` only the
 * first time it removes the listener; `notify` calls the listeners present when it starts, in
 * subscription order.
 */

/** A listener that takes no argument (the usual "something changed" signal). */
export type Listener = () => void;

export class Subscribable<L extends (...args: never[]) => void = Listener> {
  protected readonly listeners = new Set<L>();

  /** Listen to changes; returns the function that stops listening. */
  readonly subscribe = (listener: L): (() => void) => {
    this.listeners.add(listener);
    this.onSubscribe();
    return () => {
      if (this.listeners.delete(listener)) this.onUnsubscribe();
    };
  };

  /** Whether anyone listens. */
  hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  /** How many listeners there are (leak checks). */
  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Call every listener with `args`; one that (un)subscribes others meanwhile does not change who is called. */
  protected notify(...args: Parameters<L>): void {
    for (const listener of [...this.listeners]) listener(...args);
  }

  /** Runs after each subscribe (the new listener is already counted). */
  protected onSubscribe(): void {}

  /** Runs after each unsubscribe that removed a listener (it is no longer counted). */
  protected onUnsubscribe(): void {}
}
