import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { FakeOnline } from '../test/fake-sources.js';
import { ReconnectScheduler } from './reconnect.js';

describe('ReconnectScheduler', () => {
  it('runs the attempt after the delay', () => {
    const clock = new FakeClock();
    const scheduler = new ReconnectScheduler(clock, new FakeOnline());
    let runs = 0;
    expect(scheduler.schedule(500, () => runs++)).toBe(clock.now() + 500);
    clock.advance(499);
    expect(runs).toBe(0);
    clock.advance(1);
    expect(runs).toBe(1);
    expect(scheduler.waiting).toBe(false);
  });

  it('pauses while offline and runs at once when back online', () => {
    const clock = new FakeClock();
    const online = new FakeOnline(false);
    const scheduler = new ReconnectScheduler(clock, online);
    let runs = 0;
    expect(scheduler.schedule(500, () => runs++)).toBeNull();
    expect(clock.pending).toBe(0);
    clock.advance(60_000);
    expect(runs).toBe(0);
    online.set(true);
    expect(runs).toBe(1);
  });

  it('going offline mid-wait stops the timer; coming back runs without waiting out the rest', () => {
    const clock = new FakeClock();
    const online = new FakeOnline(true);
    const scheduler = new ReconnectScheduler(clock, online);
    let runs = 0;
    scheduler.schedule(10_000, () => runs++);
    online.set(false);
    expect(clock.pending).toBe(0);
    clock.advance(20_000);
    expect(runs).toBe(0);
    online.set(true);
    expect(runs).toBe(1);
    online.set(true);
    expect(runs).toBe(1);
  });

  it('runNow skips the wait; cancel and dispose leave no timer or listener', () => {
    const clock = new FakeClock();
    const online = new FakeOnline(true);
    const scheduler = new ReconnectScheduler(clock, online);
    let runs = 0;
    scheduler.schedule(10_000, () => runs++);
    expect(scheduler.runNow()).toBe(true);
    expect(runs).toBe(1);
    expect(clock.pending).toBe(0);
    scheduler.schedule(10_000, () => runs++);
    scheduler.cancel();
    clock.advance(20_000);
    expect(runs).toBe(1);
    scheduler.schedule(10_000, () => runs++);
    scheduler.dispose();
    expect(clock.pending).toBe(0);
    expect(online.listenerCount).toBe(0);
  });
});
