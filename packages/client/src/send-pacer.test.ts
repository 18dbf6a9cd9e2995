import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { SendPacer } from './send-pacer.js';

describe('SendPacer', () => {
  it('never delays before limits are known, or when pacing is off', () => {
    const clock = new FakeClock();
    const pacer = new SendPacer(clock.now);
    for (let i = 0; i < 100; i++) pacer.spend();
    expect(pacer.wait()).toBe(0);
    const off = new SendPacer(clock.now, false);
    off.configure({ ratePerSecond: 1, burst: 1 });
    off.spend();
    expect(off.wait()).toBe(0);
  });

  it('allows the burst less headroom, then one frame per 1/rate; other frames spend from the same bucket', () => {
    const clock = new FakeClock();
    const pacer = new SendPacer(clock.now);
    pacer.configure({ ratePerSecond: 20, burst: 40 });
    let sent = 0;
    while (pacer.wait() === 0) {
      pacer.spend();
      sent++;
    }
    expect(sent).toBe(37); // 40 − 2 headroom − the authenticate frame
    expect(pacer.wait()).toBe(50);
    clock.advance(50);
    expect(pacer.wait()).toBe(0);
    pacer.spend(); // e.g. a typing event
    expect(pacer.wait()).toBe(50);
  });

  it('after rate_limited, waits exactly the retryAfterMs the server named', () => {
    const clock = new FakeClock();
    const pacer = new SendPacer(clock.now);
    pacer.configure({ ratePerSecond: 20, burst: 40 });
    pacer.blocked(120);
    expect(pacer.wait()).toBe(120);
    clock.advance(120);
    expect(pacer.wait()).toBe(0);
  });
});
