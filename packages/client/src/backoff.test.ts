import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay, DEFAULT_BACKOFF } from './backoff.js';

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
});
