import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { RefCount } from './ref-count.js';

function setup() {
  const clock = new FakeClock();
  const log: string[] = [];
  const refs = new RefCount(
    clock,
    1000,
    () => log.push('connect'),
    () => log.push('disconnect'),
  );
  return { clock, log, refs };
}

describe('RefCount', () => {
  it('connects on the first acquire and disconnects a grace period after the last release', () => {
    const { clock, log, refs } = setup();
    const a = refs.acquire();
    const b = refs.acquire();
    expect(log).toEqual(['connect']);
    a();
    a();
    expect(refs.count).toBe(1);
    b();
    clock.advance(999);
    expect(log).toEqual(['connect']);
    clock.advance(1);
    expect(log).toEqual(['connect', 'disconnect']);
    refs.acquire();
    expect(log).toEqual(['connect', 'disconnect', 'connect']);
  });

  it('an acquire within the grace period keeps the connection (route change)', () => {
    const { clock, log, refs } = setup();
    refs.acquire()();
    clock.advance(500);
    const next = refs.acquire();
    clock.advance(5000);
    expect(log).toEqual(['connect']);
    next();
    refs.clear();
    expect(clock.pending).toBe(0);
  });
});
