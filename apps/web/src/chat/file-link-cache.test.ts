import type { FileLink } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FileLinkCache, type LinkTimers } from './file-link-cache';

/** A manual clock with timers that run when it passes their time. */
function manualClock() {
  let now = 1_000_000;
  let next = 0;
  const due = new Map<number, { at: number; run: () => void }>();
  const timers: LinkTimers = {
    now: () => now,
    setTimeout: (run, ms) => {
      next += 1;
      due.set(next, { at: now + ms, run });
      return next;
    },
    clearTimeout: (handle) => void due.delete(handle as number),
  };
  return {
    timers,
    pending: () => due.size,
    async advance(ms: number) {
      now += ms;
      for (const [handle, timer] of [...due]) {
        if (timer.at > now) continue;
        due.delete(handle);
        timer.run();
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

/** Links from a server whose links live `ttlMs` on a clock `skewMs` ahead of ours. */
function server(clock: ReturnType<typeof manualClock>, ttlMs: number, skewMs = 0) {
  const asked: string[] = [];
  let n = 0;
  const source = async (fileId: string): Promise<FileLink> => {
    asked.push(fileId);
    n += 1;
    return { url: `/api/v1/files/${fileId}?n=${n}`, expiresAt: clock.timers.now() + skewMs + ttlMs };
  };
  return { source, asked };
}

describe('FileLinkCache', () => {
  it('reuses a fresh link and renews one in its last 30 s (or last fifth) when asked', async () => {
    const clock = manualClock();
    const { source, asked } = server(clock, 300_000);
    const cache = new FileLinkCache(source, clock.timers);
    expect(cache.peek('f')).toBeNull();
    const [a, b] = await Promise.all([cache.get('f'), cache.get('f')]);
    expect(a).toBe(b);
    expect(asked).toEqual(['f']);
    await clock.advance(269_000);
    expect(await cache.get('f')).toBe(a);
    await clock.advance(2_000);
    expect(cache.peek('f')).toBeNull();
    expect(await cache.get('f')).not.toBe(a);
    expect(asked).toHaveLength(2);

    const short = new FileLinkCache(server(clock, 10_000).source, clock.timers);
    await short.get('g');
    await clock.advance(7_900);
    expect(short.peek('g')).not.toBeNull();
    await clock.advance(200);
    expect(short.peek('g')).toBeNull();
  });

  it('renews a watched link in the background before it expires and tells its watchers, until unwatched', async () => {
    const clock = manualClock();
    const { source, asked } = server(clock, 300_000);
    const cache = new FileLinkCache(source, clock.timers);
    const seen: string[] = [];
    const first = await cache.get('f');
    const unwatch = cache.watch('f', (url) => seen.push(url));
    await clock.advance(269_999);
    expect(seen).toEqual([]);
    await clock.advance(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toBe(first);
    expect(cache.peek('f')).toBe(seen[0]);
    await clock.advance(270_000);
    expect(seen).toHaveLength(2);
    unwatch();
    expect(clock.pending()).toBe(0);
    await clock.advance(600_000);
    expect(asked).toHaveLength(3);
  });

  it('measures a link on its own clock (a server clock ahead does not make it look expired for ever)', async () => {
    const clock = manualClock();
    const { source } = server(clock, 300_000, 120_000);
    const cache = new FileLinkCache(source, clock.timers);
    await cache.get('f');
    expect(cache.peek('f')).not.toBeNull();
    // A link already expired on arrival is renewed at most every 5 s in the background.
    const dead = new FileLinkCache(server(clock, 0).source, clock.timers);
    const seen: string[] = [];
    await dead.get('d');
    dead.watch('d', (url) => seen.push(url));
    await clock.advance(4_999);
    expect(seen).toHaveLength(0);
    await clock.advance(1);
    expect(seen).toHaveLength(1);
  });
});
