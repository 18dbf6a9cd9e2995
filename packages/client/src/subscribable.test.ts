import { describe, expect, it } from 'vitest';
import { Subscribable } from './subscribable.js';

class Counter extends Subscribable<(value: number) => void> {
  readonly hooks: string[] = [];
  emit(value: number): void {
    this.notify(value);
  }
  protected override onSubscribe(): void {
    this.hooks.push(`subscribe:${this.listenerCount}`);
  }
  protected override onUnsubscribe(): void {
    this.hooks.push(`unsubscribe:${this.listenerCount}`);
  }
}

describe('Subscribable', () => {
  it('subscribe returns its unsubscribe; the hooks see the listener counted, then gone', () => {
    const counter = new Counter();
    const { subscribe } = counter; // bound: usable on its own
    const seen: number[] = [];
    const stop = subscribe((value) => seen.push(value));
    expect(counter.hasListeners()).toBe(true);
    counter.emit(1);
    stop();
    stop(); // idempotent: no second onUnsubscribe
    counter.emit(2);
    expect(seen).toEqual([1]);
    expect(counter.hasListeners()).toBe(false);
    expect(counter.hooks).toEqual(['subscribe:1', 'unsubscribe:0']);
  });

  it('notifies in subscription order the listeners present when it starts', () => {
    const counter = new Counter();
    const calls: string[] = [];
    let stopB: () => void = () => undefined;
    counter.subscribe(() => {
      calls.push('a');
      stopB();
      counter.subscribe(() => calls.push('late'));
    });
    stopB = counter.subscribe(() => calls.push('b'));
    counter.emit(0);
    expect(calls).toEqual(['a', 'b']);
    expect(counter.listenerCount).toBe(2);
  });

  it('one function subscribed twice is one listener', () => {
    const counter = new Counter();
    let calls = 0;
    const listener = () => calls++;
    const first = counter.subscribe(listener);
    counter.subscribe(listener);
    counter.emit(0);
    expect([calls, counter.listenerCount]).toEqual([1, 1]);
    first();
    expect(counter.hasListeners()).toBe(false);
  });
});
