import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { MemoryCounterStore } from '../limits/memory-counter-store.js';
import { Metrics } from '../metrics.js';
import type { Connection } from './connection.js';
import { UpgradeGuard } from './upgrade-guard.js';

const request = (ip: string) => ({ socket: { remoteAddress: ip } }) as unknown as IncomingMessage;
const connection = () => ({}) as Connection;

function guard(options: { pendingPerIp?: number; handshakesPerMinute?: number } = {}) {
  let now = 1_000_000;
  const counters = new MemoryCounterStore(() => now);
  const upgrades = new UpgradeGuard({
    pendingPerIp: options.pendingPerIp ?? 100,
    handshakesPerMinute: options.handshakesPerMinute ?? 100,
    pendingRetryAfterMs: 5000,
    clientIp: (r) => r.socket.remoteAddress ?? '',
    counters,
    metrics: new Metrics(),
  });
  return { upgrades, advance: (ms: number) => (now += ms) };
}

describe('UpgradeGuard', () => {
  it('refuses handshakes past the per-minute rate with the time left in the window, per IP, and recovers when it ends', async () => {
    const { upgrades, advance } = guard({ handshakesPerMinute: 3 });
    for (let i = 0; i < 3; i++) {
      const verdict = await upgrades.admit(request('10.0.0.1'));
      expect(verdict.ok).toBe(true);
      if (verdict.ok) upgrades.cancel(verdict.ip);
    }
    advance(20_000);
    const refused = await upgrades.admit(request('10.0.0.1'));
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 40_000 });
    if (!refused.ok) expect(refused.error.details).toEqual({ limit: 'ip_handshakes', retryAfterMs: 40_000 });
    expect((await upgrades.admit(request('10.0.0.2'))).ok).toBe(true); // another address has its own budget
    advance(40_000);
    expect((await upgrades.admit(request('10.0.0.1'))).ok).toBe(true);
  });

  it('holds a pending slot from admit until the socket authenticates or closes, and frees it once', async () => {
    const { upgrades } = guard({ pendingPerIp: 2 });
    const a = connection();
    const b = connection();
    const first = await upgrades.admit(request('10.0.0.1'));
    const second = await upgrades.admit(request('10.0.0.1'));
    if (!first.ok || !second.ok) throw new Error('refused');
    upgrades.opened(a, first.ip);
    upgrades.opened(b, second.ip);
    const refused = await upgrades.admit(request('10.0.0.1'));
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 5000 });
    if (!refused.ok) expect(refused.error.details).toEqual({ limit: 'ip_pending_sockets', retryAfterMs: 5000 });

    upgrades.settled(a); // authenticated
    upgrades.settled(a); // then closed: already free, not freed twice
    expect(upgrades.pendingOfIp('10.0.0.1')).toBe(1);
    const third = await upgrades.admit(request('10.0.0.1'));
    expect(third.ok).toBe(true);
    if (third.ok) upgrades.cancel(third.ip); // the handshake failed: the reservation comes back
    expect(upgrades.pendingOfIp('10.0.0.1')).toBe(1);
    upgrades.settled(b);
    expect(upgrades.pendingOfIp('10.0.0.1')).toBe(0);
  });

  it('reserves the slot it grants, so concurrent upgrades cannot all take the last one', async () => {
    const { upgrades } = guard({ pendingPerIp: 2 });
    const verdicts = await Promise.all([1, 2, 3, 4, 5].map(() => upgrades.admit(request('10.0.0.1'))));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(2);
  });
});
