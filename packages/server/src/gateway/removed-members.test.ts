import { describe, expect, it } from 'vitest';
import { RemovedMembers } from './removed-members.js';

describe('RemovedMembers', () => {
  it('remembers removals per conversation until the user is added back', () => {
    const removed = new RemovedMembers(60_000);
    expect(removed.of('c1')).toBeUndefined();
    removed.removed('c1', ['u1', 'u2'], 1_000);
    expect([...(removed.of('c1')?.keys() ?? [])]).toEqual(['u1', 'u2']);
    expect(removed.of('c2')).toBeUndefined();
    removed.added('c1', ['u1']);
    expect(removed.of('c1')?.has('u1')).toBe(false);
    expect(removed.of('c1')?.has('u2')).toBe(true);
    removed.added('c1', ['u2']);
    expect(removed.of('c1')).toBeUndefined();
  });

  it('forgets a removal ttlMs after it, not before', () => {
    const removed = new RemovedMembers(60_000);
    removed.removed('c1', ['u1'], 1_000);
    removed.removed('c1', ['u2'], 30_000);
    removed.sweep(61_000);
    expect(removed.of('c1')?.has('u1')).toBe(true);
    removed.sweep(61_001);
    expect(removed.of('c1')?.has('u1')).toBe(false);
    expect(removed.of('c1')?.has('u2')).toBe(true);
    removed.sweep(90_001);
    expect(removed.of('c1')).toBeUndefined();
  });
});
