/**
 * The client and the server's per-account socket cap (close 4029 after `rate_limited`, limit
 * `user_sockets`): a client refused for it keeps reconnecting on a growing backoff no shorter than
 * the server's `retryAfterMs` (never the fast 1-2.5 s cadence, never status `error`), and connects
 * once a slot is free.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, nodeClient, startHarness, waitForState } from './harness.js';

let h: Harness;
const cleanup: (() => void)[] = [];

beforeAll(async () => {
  h = await startHarness({ HERALD_USER_SOCKETS: '1' });
});
afterAll(async () => {
  for (const fn of cleanup) fn();
  await h.close();
});

describe('a client refused by the per-account socket cap', () => {
  it('backs off (at least retryAfterMs, never giving up) and connects once a slot is free', async () => {
    const { alice } = await h.api.directPair();
    // The client's default backoff: the harness's fast one would hide what the refusal does to it.
    const first = nodeClient(h.server.wsUrl, alice.accessToken, { reconnect: {} });
    const second = nodeClient(h.server.wsUrl, alice.accessToken, { reconnect: {} });
    cleanup.push(
      () => first.client.dispose(),
      () => second.client.dispose(),
    );
    await first.client.connect();

    const statuses = new Set<string>();
    second.client.subscribe((state) => void statuses.add(state.status));
    void second.client.connect().catch(() => undefined);
    const refusedAt = Date.now();
    const waiting = await waitForState(second.client, (s) => s.status === 'reconnecting' && s.nextRetryAt !== null, 10_000);
    expect(waiting.error).toMatchObject({ code: 'rate_limited', details: { limit: 'user_sockets' } });
    const hint = (waiting.error?.details as { retryAfterMs?: number } | undefined)?.retryAfterMs ?? 0;
    expect(hint).toBeGreaterThan(0);
    expect((waiting.nextRetryAt ?? 0) - refusedAt).toBeGreaterThanOrEqual(hint - 50);
    expect(statuses.has('error')).toBe(false);
    expect(first.client.getState().status).toBe('connected');

    // A slot frees: the next attempt (brought forward here, as a click on "retry now" would) gets in.
    first.client.dispose();
    await expect
      .poll(
        async () => {
          await second.client.reconnect().catch(() => undefined);
          return second.client.getState().status;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe('connected');
  }, 30_000);
});
