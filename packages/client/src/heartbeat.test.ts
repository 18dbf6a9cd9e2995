import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { Heartbeat } from './heartbeat.js';

function setup() {
  const clock = new FakeClock();
  let sent = 0;
  let dead = 0;
  const heartbeat = new Heartbeat(
    clock,
    () => sent++,
    () => dead++,
  );
  heartbeat.start({ intervalMs: 1000, timeoutMs: 300 });
  return { clock, heartbeat, sent: () => sent, dead: () => dead };
}

describe('Heartbeat', () => {
  it('sends every interval and stays quiet while replies come', () => {
    const { clock, heartbeat, sent, dead } = setup();
    // One heartbeat per interval, measured from the previous one (the reply wait is inside the interval).
    clock.advance(1000);
    for (let i = 1; i <= 3; i++) {
      expect(sent()).toBe(i);
      clock.advance(100);
      heartbeat.frameReceived();
      clock.advance(899);
      expect(sent()).toBe(i);
      clock.advance(1);
    }
    expect(dead()).toBe(0);
  });

  it('declares the connection dead when nothing arrives within the timeout', () => {
    const { clock, sent, dead } = setup();
    clock.advance(1000);
    expect(sent()).toBe(1);
    clock.advance(299);
    expect(dead()).toBe(0);
    clock.advance(1);
    expect(dead()).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('a deadline that fires late (throttled tab) re-probes instead of judging', () => {
    const { clock, heartbeat, sent, dead } = setup();
    clock.advance(1000);
    expect(sent()).toBe(1);
    clock.jump(60_000); // the tab slept; the reply is still queued behind the timer
    clock.advance(0);
    expect(dead()).toBe(0);
    expect(sent()).toBe(2);
    heartbeat.frameReceived();
    clock.advance(300);
    expect(dead()).toBe(0);
  });

  it('a dead connection is still found in a throttled tab: one re-probe, then judged', () => {
    const { clock, sent, dead } = setup();
    clock.advance(1000);
    clock.jump(60_000);
    clock.advance(0);
    expect(sent()).toBe(2);
    clock.jump(60_000);
    clock.advance(0);
    expect(dead()).toBe(1);
  });

  it('probe() checks at once; stop() clears its timer', () => {
    const { clock, heartbeat, sent, dead } = setup();
    heartbeat.probe();
    expect(sent()).toBe(1);
    heartbeat.probe(); // already waiting for a reply
    expect(sent()).toBe(1);
    clock.advance(300);
    expect(dead()).toBe(1);
    heartbeat.start({ intervalMs: 1000, timeoutMs: 300 });
    heartbeat.stop();
    expect(clock.pending).toBe(0);
  });
});
