import { expect, it } from 'vitest';
import { PacedWalk } from './paced-walk.js';

const mapOf = (n: number) => new Map<string, number>(Array.from({ length: n }, (_, i) => [`k${i}`, i]));

it('visits every entry once per period, a bounded share per tick, and waits a period between passes', () => {
  const map = mapOf(1000);
  const walk = new PacedWalk(map, 1000, 100, 0);
  const visits = new Map<string, number>();
  const perStep: number[] = [];
  for (let now = 100; now <= 3000; now += 100) {
    let n = 0;
    walk.step(now, (key) => {
      visits.set(key, (visits.get(key) ?? 0) + 1);
      n++;
    });
    perStep.push(n);
  }
  // Nothing before a period has passed; then passes at 1000 and 2100 (the first ends at 1900 and finds its end at 2000).
  expect(perStep.slice(0, 9)).toEqual(Array(9).fill(0));
  expect(Math.max(...perStep)).toBe(100);
  expect(perStep.reduce((a, b) => a + b, 0)).toBe(2000);
  expect([...visits.values()].every((count) => count === 2)).toBe(true);
  expect(visits.size).toBe(1000);
});

it('follows the map as it changes: entries added during a pass are visited, deleted ones are not, and visit may delete', () => {
  const map = mapOf(10);
  const walk = new PacedWalk(map, 100, 50, 0);
  const seen: string[] = [];
  walk.step(100, (key, value) => {
    seen.push(key);
    if (value % 2 === 0) map.delete(key); // the visitor drops what it is given
  });
  expect(seen).toEqual(['k0', 'k1', 'k2', 'k3', 'k4']); // ceil(10 × 50 / 100)
  map.delete('k7');
  map.set('late', 99);
  walk.step(150, (key) => seen.push(key));
  expect(seen.slice(5)).toEqual(['k5', 'k6', 'k8', 'k9']); // 7 entries now: a share of ceil(7 × 50 / 100) = 4; k7 is gone
  walk.step(200, (key) => seen.push(key));
  expect(seen.slice(9)).toEqual(['late']);
  expect([...map.keys()]).toEqual(['k1', 'k3', 'k5', 'k6', 'k8', 'k9', 'late']);
});
