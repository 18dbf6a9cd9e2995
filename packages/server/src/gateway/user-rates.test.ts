import { describe, expect, it } from 'vitest';
import { UserRates } from './user-rates.js';

describe('UserRates', () => {
  it('is one bucket per account: a burst, then the refill rate, with the wait until the next token', () => {
    let now = 0;
    const rates = new UserRates(10, 5, () => now);
    for (let i = 0; i < 5; i++) expect(rates.take('alice')).toBe(0);
    expect(rates.take('alice')).toBe(100);
    expect(rates.take('bob')).toBe(0);
    now += 100;
    expect(rates.take('alice')).toBe(0);
    expect(rates.take('alice')).toBeGreaterThan(0);
    rates.close();
  });

  it('drops a bucket only once it would be full again, so reconnecting never refills it early', () => {
    let now = 0;
    const rates = new UserRates(10, 5, () => now);
    for (let i = 0; i < 5; i++) rates.take('alice');
    now += 400;
    rates.sweep();
    expect(rates.size).toBe(1);
    expect(rates.take('alice')).toBe(0); // 4 refilled, not 5 fresh
    for (let i = 0; i < 3; i++) expect(rates.take('alice')).toBe(0);
    expect(rates.take('alice')).toBeGreaterThan(0);
    now += 600;
    rates.sweep();
    expect(rates.size).toBe(0);
    rates.close();
  });
});
