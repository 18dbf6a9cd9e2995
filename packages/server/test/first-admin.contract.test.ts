/**
 * The first-admin bootstrap at the repository level, on both databases: concurrent first sign-ups
 * (no password hashing in between to spread them out, so they really race) make exactly one admin.
 * The same through HTTP is in sessions.test.ts.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('first-admin bootstrap', ({ repositories }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('makes exactly one of 10 concurrent first sign-ups on an empty database admin, and none after', async () => {
    // Open the pool's connections first, so the sign-ups start together rather than one per new connection.
    expect(await Promise.all(Array.from({ length: 10 }, () => store.accounts.countUsers()))).toEqual(Array(10).fill(0));
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.accounts.createUser(
          { email: `racer${i}@example.test`, name: `racer${i}`, passwordHash: 'x', role: 'user' },
          { firstIsAdmin: true },
        ),
      ),
    );
    expect(created.filter((u) => u.role === 'admin')).toHaveLength(1);
    const later = await store.accounts.createUser(
      { email: 'late@example.test', name: 'late', passwordHash: 'x', role: 'user' },
      { firstIsAdmin: true },
    );
    expect(later.role).toBe('user');
    expect(await store.accounts.countUsers()).toBe(11);
  });
});
