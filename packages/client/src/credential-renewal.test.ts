import { describe, expect, it } from 'vitest';
import { RENEW_LEAD_MIN_MS, renewalDelay, retryDelay } from './credential-renewal.js';

const noJitter = () => 0;
const fullJitter = () => 1 - 1e-9;

describe('renewalDelay', () => {
  it('renews a quarter of the lifetime ahead of expiry for long lifetimes, minus up to a tenth of that lead in jitter', () => {
    expect(renewalDelay(900_000, noJitter)).toBe(675_000);
    expect(renewalDelay(900_000, fullJitter)).toBe(675_000 - 22_500);
  });

  it(`renews at least ${RENEW_LEAD_MIN_MS} ms ahead`, () => {
    expect(renewalDelay(12_000, noJitter)).toBe(7_000);
    expect(renewalDelay(20_000, noJitter)).toBe(15_000);
  });

  it('renews halfway through a lifetime shorter than twice the minimum lead, never at once, never in the past', () => {
    expect(renewalDelay(3_000, noJitter)).toBe(1_500);
    expect(renewalDelay(8_000, noJitter)).toBe(4_000);
    expect(renewalDelay(0, noJitter)).toBe(0);
    expect(renewalDelay(-5_000, fullJitter)).toBe(0);
    for (let remaining = 1; remaining < 2_000_000; remaining = Math.ceil(remaining * 1.7)) {
      const delay = renewalDelay(remaining, fullJitter);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(remaining);
    }
  });
});

describe('retryDelay', () => {
  it('doubles from a second, within half the time left, never under 100 ms', () => {
    const half = () => 0.5; // jitter factor 0.75
    expect([1, 2, 3].map((attempt) => retryDelay(attempt, 60_000, half))).toEqual([750, 1_500, 3_000]);
    expect(retryDelay(3, 2_000, half)).toBe(750); // at most half of the 2 s left
    expect(retryDelay(1, -1_000, half)).toBe(150); // past expiry (in the grace): quickly
  });
});
