import { expect, it } from 'vitest';
import { TokenBucket } from './token-bucket.js';

it('allows a burst, refuses past it, and refills at the rate', () => {
  let now = 0;
  const bucket = new TokenBucket(10, 3, () => now);
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  expect(bucket.msUntilNext()).toBe(100);
  now += 100;
  expect(bucket.take()).toBe(true);
  expect(bucket.take()).toBe(false);
  now += 10_000;
  expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
});
