/**
 * AccountRepository contract (users, refresh tokens), and the database handle's own round trip: the
 * same suite on a real SQLite file and real PostgreSQL in its own schema.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('account repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  it('creates and finds users, and rejects a duplicate email', async () => {
    const alice = await newUser('alice');
    expect(await store.accounts.findUserByEmail(alice.email)).toMatchObject({ id: alice.id, name: 'alice', role: 'user' });
    expect((await store.accounts.findUserById(alice.id))?.passwordHash).toBe('x');
    await expect(store.accounts.createUser({ email: alice.email, name: 'x', passwordHash: 'y', role: 'user' })).rejects.toThrow();
    expect(await store.accounts.searchUsers('ALI', 10)).toEqual([expect.objectContaining({ id: alice.id })]);
    expect(await store.accounts.searchUsers('%', 10)).toEqual([]);
    // Email substrings match only when asked to (an admin's search); names always do.
    expect(await store.accounts.searchUsers('@example.te', 50)).toEqual([]);
    expect(await store.accounts.searchUsers('@example.te', 50, { includeEmail: true })).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: alice.id })]),
    );
    expect((await store.accounts.setUserRole(alice.id, 'doctor'))?.role).toBe('doctor');
  });

  it('rotates a refresh token exactly once', async () => {
    const user = await newUser();
    await store.accounts.insertRefreshToken({
      id: 'rt-1',
      userId: user.id,
      sessionId: 's-1',
      tokenHash: `h-${user.id}`,
      expiresAt: Date.now() + 1000,
    });
    const found = await store.accounts.findRefreshToken(`h-${user.id}`);
    expect(found).toMatchObject({ id: 'rt-1', userId: user.id, revokedAt: null });
    const results = await Promise.all([store.accounts.revokeRefreshToken('rt-1'), store.accounts.revokeRefreshToken('rt-1')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.accounts.findRefreshToken(`h-${user.id}`))?.revokedAt).toEqual(expect.any(Number));
  });

  it('answers ping', async () => {
    await expect(store.database.ping()).resolves.toBeUndefined();
  });
});
