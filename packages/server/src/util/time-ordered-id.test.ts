import { describe, expect, it } from 'vitest';
import { timeOrderedId } from './time-ordered-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The 48-bit millisecond timestamp a v7 id carries. */
const msOf = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);

describe('timeOrderedId', () => {
  it('is a version-7 UUID carrying the given time', () => {
    const now = Date.UTC(2026, 10, 30, 12, 0, 0, 123);
    const id = timeOrderedId(now);
    expect(id).toMatch(V7);
    expect(msOf(id)).toBe(now);
  });

  it('sorts as text in creation order, within a millisecond too', () => {
    const base = Date.now() + 60_000; // ahead of any id made so far in this process
    const ids = [
      ...Array.from({ length: 500 }, () => timeOrderedId(base)),
      ...Array.from({ length: 500 }, () => timeOrderedId(base + 1)),
      ...Array.from({ length: 10 }, (_, i) => timeOrderedId(base + 2 + i * 1000)),
    ];
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids) expect(id).toMatch(V7);
  });

  it('keeps increasing when the clock steps back, and past 4,096 ids in one millisecond', () => {
    const base = Date.now() + 120_000;
    const ids = [timeOrderedId(base), timeOrderedId(base - 5_000), ...Array.from({ length: 5_000 }, () => timeOrderedId(base))];
    expect([...ids].sort()).toEqual(ids);
    expect(msOf(ids.at(-1)!)).toBeGreaterThan(base); // borrowed the next millisecond rather than repeating
    expect(msOf(ids.at(-1)!) - base).toBeLessThan(5);
  });

  it('varies in its random bits', () => {
    const tails = new Set(Array.from({ length: 1_000 }, () => timeOrderedId().slice(19)));
    expect(tails.size).toBe(1_000);
  });
});
