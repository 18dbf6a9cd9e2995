/**
 * A seeded random number generator (mulberry32), so a soak's fault schedule is chosen by its seed.
 * Invariant: the same seed gives the same sequence of numbers; the soak prints the seed so a run's
 * choices (which fault, which client, which pause) can be made again. Timing on a real machine still
 * varies, so a re-run repeats the schedule, not every interleaving.
 */

/** @typedef {{ next: () => number, int: (min: number, max: number) => number, pick: <T>(items: readonly T[]) => T }} Rng */

/** @param {number} seed a 32-bit integer @returns {Rng} */
export function seededRng(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    /** An integer in [min, max]. */
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick(items) {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
  };
}
