import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.js';

describe('RateWindow', () => {
  it('reads 0 until it has two samples', () => {
    const window = new RateWindow();
    expect(window.ratePerSecond(1000)).toBe(0);
    window.record(0, 5);
    expect(window.ratePerSecond(1000)).toBe(0);
  });

  it('gives the rate over the last second and over the history, despite sampling jitter', () => {
    const window = new RateWindow();
    // 10 per second for 10 s, then 50 in the last (slightly short) second.
    for (let s = 0; s <= 10; s++) window.record(s * 1000, s * 10);
    window.record(10_990, 150);
    expect(window.ratePerSecond(1000)).toBeCloseTo(50 / 0.99, 5);
    // A minute asked for, 10.99 s of history kept: averaged over what there is.
    expect(window.ratePerSecond(60_000)).toBeCloseTo(150 / 10.99, 5);
  });

  it('forgets samples older than its capacity and never reads negative', () => {
    const window = new RateWindow(4);
    for (let s = 0; s < 10; s++) window.record(s * 1000, s * s);
    // Kept: t=6..9 s, values 36, 49, 64, 81.
    expect(window.ratePerSecond(60_000)).toBeCloseTo((81 - 36) / 3, 5);
    window.record(10_000, 0);
    expect(window.ratePerSecond(1000)).toBe(0);
  });
});
