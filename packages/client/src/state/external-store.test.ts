import { describe, expect, it } from 'vitest';
import { FakeTimers } from '../../test/store-fakes.js';
import { ExternalStore } from './external-store.js';

class Counter extends ExternalStore<number> {
  starts = 0;
  stops = 0;
  constructor(timers: FakeTimers) {
    super(0, timers);
  }
  bump(): void {
    this.setState(this.getSnapshot() + 1);
  }
  protected onStart(): void {
    this.starts++;
  }
  protected onStop(): void {
    this.stops++;
  }
}

describe('ExternalStore', () => {
  it('starts on the first listener and stops one tick after the last leaves', () => {
    const timers = new FakeTimers();
    const store = new Counter(timers);
    const off1 = store.subscribe(() => undefined);
    const off2 = store.subscribe(() => undefined);
    expect([store.starts, store.stops, store.active]).toEqual([1, 0, true]);
    off1();
    off2();
    off2(); // idempotent
    expect(store.stops).toBe(0);
    timers.advance(0);
    expect([store.starts, store.stops, store.active]).toEqual([1, 1, false]);
    expect(timers.pending).toBe(0);
  });

  it("StrictMode's subscribe → unsubscribe → subscribe starts once", () => {
    const timers = new FakeTimers();
    const store = new Counter(timers);
    store.subscribe(() => undefined)();
    store.subscribe(() => undefined);
    timers.advance(10);
    expect([store.starts, store.stops]).toEqual([1, 0]);
  });

  it('notifies current listeners only, and keeps the snapshot until it changes', () => {
    const timers = new FakeTimers();
    const store = new Counter(timers);
    const calls: number[] = [];
    const off = store.subscribe(() => calls.push(store.getSnapshot()));
    store.bump();
    off();
    store.bump();
    expect(calls).toEqual([1]);
    expect(store.getSnapshot()).toBe(2);
  });
});
