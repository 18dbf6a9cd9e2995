/**
 * NotificationRepository contract: who sees which notification (everyone, a role, a conversation,
 * one user; never one older than the account), read marks, and whom an audience covers.
 * Real SQLite and PostgreSQL.
 */
import type { Audience } from '@herald/protocol';
import { beforeAll, expect, it } from 'vitest';
import type { UserRecord } from '../src/auth/account-repository.js';
import { repositorySuite } from './repository-suite.js';

repositorySuite('notification repository contract', ({ repositories, newUser }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });
  const viewer = (user: UserRecord) => ({ id: user.id, role: user.role, createdAt: user.createdAt });
  const notify = (title: string, audience: Audience) =>
    store.notifications.insertNotification({ level: 'info', title, message: `${title}!`, audience, createdBy: null });

  it('shows each viewer what is addressed to them, newest first, with read marks', async () => {
    const [a, b] = [await newUser(), await newUser()];
    await store.accounts.setUserRole(b.id, 'ops');
    const bAsOps = { ...b, role: 'ops' };
    const conversationId = await store.conversations.createConversation({
      kind: 'group',
      title: 'n',
      ownerId: a.id,
      directKey: null,
      memberIds: [a.id],
    });
    const all = await notify('all', { kind: 'all' });
    expect(all).toMatchObject({ title: 'all', message: 'all!', level: 'info', audience: { kind: 'all' }, read: false });
    const ops = await notify('ops', { kind: 'role', role: 'ops' });
    const toA = await notify('to-a', { kind: 'user', userId: a.id });
    const room = await notify('room', { kind: 'conversation', conversationId });
    const titles = async (user: UserRecord, unreadOnly = false) =>
      (await store.notifications.listNotifications(viewer(user), { limit: 10, unreadOnly })).map((n) => n.title);
    // Created within one millisecond they may tie on time: compare as sets, then check the order rule separately.
    expect((await titles(a)).sort()).toEqual(['all', 'room', 'to-a'].sort());
    expect((await titles(bAsOps)).sort()).toEqual(['all', 'ops'].sort());
    const listed = await store.notifications.listNotifications(viewer(a), { limit: 10, unreadOnly: false });
    expect(listed.map((n) => n.createdAt)).toEqual([...listed.map((n) => n.createdAt)].sort((x, y) => y - x));
    expect(listed.find((n) => n.id === room.id)?.audience).toEqual({ kind: 'conversation', conversationId });
    expect(await store.notifications.listNotifications(viewer(a), { limit: 1, unreadOnly: false })).toHaveLength(1);

    // Read marks: only ones the viewer can see count; repeating changes nothing.
    expect(await store.notifications.markNotificationsRead(viewer(a), [toA.id, ops.id])).toBe(1);
    expect(await store.notifications.markNotificationsRead(viewer(a), [toA.id])).toBe(0);
    expect(await store.notifications.markNotificationsRead(viewer(a), [])).toBe(0);
    expect((await titles(a, true)).sort()).toEqual(['all', 'room'].sort());
    expect(await store.notifications.markNotificationsRead(viewer(a), 'all')).toBe(2);
    expect(await titles(a, true)).toEqual([]);
    expect((await store.notifications.listNotifications(viewer(a), { limit: 10, unreadOnly: false })).every((n) => n.read)).toBe(true);
    expect((await titles(bAsOps, true)).sort()).toEqual(['all', 'ops'].sort());
    expect(all.id).not.toBe(ops.id);
  });

  it('knows when the newest notification was created', async () => {
    const before = await store.notifications.newestNotificationAt();
    const made = await notify('newest', { kind: 'all' });
    expect(await store.notifications.newestNotificationAt()).toBe(made.createdAt);
    expect(before === null || before <= made.createdAt).toBe(true);
  });

  it('hides notifications older than the account', async () => {
    const early = await notify('before-you', { kind: 'all' });
    const late = await newUser();
    const seen = await store.notifications.listNotifications(
      { ...viewer(late), createdAt: early.createdAt + 1 },
      { limit: 50, unreadOnly: false },
    );
    expect(seen.map((n) => n.id)).not.toContain(early.id);
  });

  it('names the users an audience covers', async () => {
    const [a, b] = [await newUser(), await newUser()];
    await store.accounts.setUserRole(b.id, 'auditor');
    const conversationId = await store.conversations.createConversation({
      kind: 'group',
      title: 'aud',
      ownerId: a.id,
      directKey: null,
      memberIds: [a.id, b.id],
    });
    expect(await store.notifications.audienceUserIds({ kind: 'user', userId: a.id })).toEqual([a.id]);
    expect((await store.notifications.audienceUserIds({ kind: 'conversation', conversationId })).sort()).toEqual([a.id, b.id].sort());
    expect(await store.notifications.audienceUserIds({ kind: 'role', role: 'auditor' })).toEqual([b.id]);
    const everyone = await store.notifications.audienceUserIds({ kind: 'all' });
    expect(everyone).toEqual(expect.arrayContaining([a.id, b.id]));
    expect(everyone).toHaveLength(await store.accounts.countUsers());
  });
});
