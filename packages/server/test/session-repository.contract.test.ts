/**
 * SessionRepository contract, on a real SQLite file and real PostgreSQL: sessions are created live,
 * listed (live only, most recently used first), touched forward only, and revoked at most once with
 * their first reason; revoking a user's sessions spares the one named and reports what it ended.
 */
import { beforeAll, expect, it } from 'vitest';
import { repositorySuite } from './repository-suite.js';

repositorySuite('session repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });

  const open = (userId: string, expiresIn = 60_000) =>
    store.sessions.createSession({
      userId,
      deviceName: 'Chrome on Linux',
      userAgent: 'UA',
      ip: '127.0.0.1',
      expiresAt: Date.now() + expiresIn,
    });

  it('creates, finds, lists live sessions newest-used first, and touches forward only', async () => {
    const user = await newUser();
    const a = await open(user.id);
    const b = await open(user.id);
    const expired = await open(user.id, -1);
    expect(await store.sessions.findSession(a.id)).toMatchObject({ userId: user.id, deviceName: 'Chrome on Linux', revokedAt: null });
    expect(await store.sessions.findSession('missing')).toBeUndefined();
    await store.sessions.touchSession(a.id, a.lastUsedAt + 5_000);
    await store.sessions.touchSession(a.id, a.lastUsedAt + 1_000); // older: ignored
    expect((await store.sessions.findSession(a.id))?.lastUsedAt).toBe(a.lastUsedAt + 5_000);
    const live = await store.sessions.liveSessions(user.id, Date.now());
    expect(live.map((s) => s.id)).toEqual([a.id, b.id]);
    expect(live.some((s) => s.id === expired.id)).toBe(false);
  });

  it('revokes a session once, keeping the first reason', async () => {
    const user = await newUser();
    const s = await open(user.id);
    const results = await Promise.all([store.sessions.revokeSession(s.id, 'signed_out'), store.sessions.revokeSession(s.id, 'revoked')]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const found = await store.sessions.findSession(s.id);
    expect(found?.revokedAt).toEqual(expect.any(Number));
    expect(['signed_out', 'revoked']).toContain(found?.revokedReason);
    expect(await store.sessions.revokeSession(s.id, 'again')).toBe(false);
    expect((await store.sessions.findSession(s.id))?.revokedReason).toBe(found?.revokedReason);
  });

  it("revokes a user's live sessions but one, and reports exactly those", async () => {
    const user = await newUser();
    const other = await newUser();
    const keep = await open(user.id);
    const end1 = await open(user.id);
    const end2 = await open(user.id);
    const already = await open(user.id);
    await store.sessions.revokeSession(already.id, 'signed_out');
    const theirs = await open(other.id);
    const ended = await store.sessions.revokeUserSessions(user.id, 'password_changed', keep.id);
    expect(ended.sort()).toEqual([end1.id, end2.id].sort());
    expect((await store.sessions.liveSessions(user.id, Date.now())).map((s) => s.id)).toEqual([keep.id]);
    expect((await store.sessions.findSession(already.id))?.revokedReason).toBe('signed_out');
    expect((await store.sessions.findSession(theirs.id))?.revokedAt).toBeNull();
    expect(await store.sessions.revokeUserSessions(user.id, 'account_disabled')).toEqual([keep.id]);
  });
});
