/**
 * Helpers of the sign-in limit suites: raw HTTP sign-in requests from a chosen client address
 * (X-Forwarded-For, honoured by servers started with HERALD_TRUST_PROXY), and the check of a 429.
 */
import { expect } from 'vitest';

export interface Answer {
  status: number;
  retryAfter: string | null;
  body: { error?: { code: string; details?: { limit?: string; retryAfterMs?: number } } };
}

let nextIp = 1;
/** A fresh client address each call, so the per-IP limit never gets in the way of what a test looks at. */
export const freshIp = () => `203.0.113.${nextIp++ % 250}`;

export async function post(url: string, path: string, body: unknown, ip?: string): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(ip ? { 'x-forwarded-for': ip } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text ? JSON.parse(text) : {} };
}

export const login = (url: string, email: string, password: string, ip: string | undefined = freshIp()) =>
  post(url, '/api/v1/auth/login', { email, password }, ip);

/** Checks a 429 `rate_limited` answer of `limit` with a Retry-After, and returns its retryAfterMs. */
export function expectLimited(answer: Answer, limit: string): number {
  expect(answer.status).toBe(429);
  expect(answer.body.error).toMatchObject({ code: 'rate_limited', details: { limit } });
  expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
  return answer.body.error?.details?.retryAfterMs ?? Number.NaN;
}
