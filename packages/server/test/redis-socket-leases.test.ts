/**
 * RedisSocketLeases against a real Redis: the per-account socket cap is one count for every node
 * (concurrent acquires on two nodes never pass it), a live node's leases are renewed past their
 * lifetime, a crashed node's (no more renewals) expire so its slots come back, and with Redis
 * unreachable each node counts its own sockets instead of failing or blocking.
 */
import { randomUUID } from 'node:crypto';
import { REDIS_URL, redisAvailable } from '@herald/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisSocketLeases, type RedisSocketLeasesOptions } from '../src/gateway/redis-socket-leases.js';

const ready = await redisAvailable();
const opened: RedisSocketLeases[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((leases) => leases.close()));
});

function node(prefix: string, options: Partial<RedisSocketLeasesOptions> = {}): RedisSocketLeases {
  const leases = new RedisSocketLeases({ url: REDIS_URL, prefix, ...options });
  opened.push(leases);
  return leases;
}

describe.skipIf(!ready)('RedisSocketLeases', () => {
  it('holds the cap across nodes, even for acquires racing on both', async () => {
    const prefix = `herald:test:${randomUUID()}:sockets`;
    const [a, b] = [node(prefix), node(prefix)];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).acquire('alice', `c${i}`, 3)));
    expect(results.filter(Boolean)).toHaveLength(3);
    expect(await a.acquire('bob', 'b1', 3)).toBe(true); // per account
    // A held id is not a second slot; a released one frees a slot for the other node.
    const holder = results.findIndex(Boolean);
    const owner = holder % 2 ? a : b;
    expect(await owner.acquire('alice', `c${holder}`, 3)).toBe(true);
    owner.release('alice', `c${holder}`);
    await expect.poll(() => (holder % 2 ? b : a).acquire('alice', 'late', 3), { timeout: 5000 }).toBe(true);
  });

  it("renews a live node's leases, and lets a crashed node's expire", async () => {
    const prefix = `herald:test:${randomUUID()}:sockets`;
    const live = node(prefix, { leaseMs: 600, renewEveryMs: 100 });
    // A node that stopped renewing is what Redis sees of a crashed one.
    const crashed = node(prefix, { leaseMs: 600, renewEveryMs: 3_600_000 });
    const other = node(prefix, { leaseMs: 600 });
    expect(await live.acquire('alice', 'l1', 2)).toBe(true);
    expect(await crashed.acquire('alice', 'x1', 2)).toBe(true);
    expect(await other.acquire('alice', 'o1', 2)).toBe(false);
    // Once the crashed node's lease has run out (and the live one's has been renewed past its own), one slot is back.
    await expect.poll(() => other.acquire('alice', 'o1', 2), { timeout: 5000, interval: 100 }).toBe(true);
    // A whole lease lifetime later the live node's lease still holds its slot: it was renewed.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await other.acquire('alice', 'o2', 2)).toBe(false);
  });

  it('counts per node while Redis is unreachable', async () => {
    // A port nothing listens on: every command fails, none blocks longer than the timeout.
    const down = new RedisSocketLeases({ url: 'redis://127.0.0.1:1', prefix: 'x', timeoutMs: 100 });
    opened.push(down);
    expect(await down.acquire('alice', 'a', 2)).toBe(true);
    expect(await down.acquire('alice', 'b', 2)).toBe(true);
    expect(await down.acquire('alice', 'c', 2)).toBe(false);
    down.release('alice', 'a');
    expect(await down.acquire('alice', 'c', 2)).toBe(true);
  });
});
