import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF, reconnectPlan } from './backoff.js';

describe('backoff', () => {
  it('doubles from 2 s and caps at 30 s by default', () => {
    expect([1, 2, 3, 4, 5, 6, 15].map((n) => backoffCeiling(n, DEFAULT_BACKOFF))).toEqual([2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(DEFAULT_BACKOFF.maxAttempts).toBe(15);
  });

  it('uses full jitter: anywhere from 0 up to the ceiling', () => {
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0)).toBe(0);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.5)).toBe(4000);
    expect(backoffDelay(3, DEFAULT_BACKOFF, () => 0.9999)).toBe(7999);
    expect(backoffDelay(9, DEFAULT_BACKOFF, () => 0.9999)).toBe(29997);
  });

  it('backs off a socket-cap refusal (limited) on half jitter that grows, never below the hint, never 0', () => {
    const plan = (attempt: number, random: number, hint = 0) =>
      reconnectPlan('limited', attempt, DEFAULT_BACKOFF, () => random, true, hint).delayMs;
    expect([1, 2, 3, 4, 5, 9].map((n) => plan(n, 0))).toEqual([1000, 2000, 4000, 8000, 15000, 15000]);
    expect(plan(3, 0.9999)).toBe(7999);
    expect(plan(1, 0, 5000)).toBe(5000);
    expect(plan(5, 0, 5000)).toBe(15000);
    // Unlike a fast failure, it does not stay on the 1-2.5 s cadence.
    expect(reconnectPlan('fastFail', 9, DEFAULT_BACKOFF, () => 0).delayMs).toBe(1000);
  });
});
