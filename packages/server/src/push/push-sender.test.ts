import { expect, it } from 'vitest';
import { retryAfterMs } from './push-sender.js';

it('reads Retry-After as seconds or an HTTP date, and ignores what it cannot read', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  expect(retryAfterMs('120', now)).toBe(120_000);
  expect(retryAfterMs(' 0 ', now)).toBe(0);
  expect(retryAfterMs('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30_000);
  expect(retryAfterMs('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0); // in the past: at once
  expect(retryAfterMs(null, now)).toBeUndefined();
  expect(retryAfterMs('soon', now)).toBeUndefined();
});
