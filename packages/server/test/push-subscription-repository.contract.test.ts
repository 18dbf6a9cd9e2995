/**
 * PushSubscriptionRepository and MuteRepository contracts, on real SQLite and PostgreSQL: an
 * endpoint is stored once and moves to whoever subscribed it last, the per-user cap drops the
 * least recently updated, removal is by owner (or by endpoint for the notifier), and a member's
 * mute is theirs alone and only for members.
 */
import { beforeAll, expect, it } from 'vitest';
import type { NewPushSubscription } from '../src/push/push-subscription-repository.js';
import { repositorySuite } from './repository-suite.js';

const keys = { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) };
const device = (endpoint: string, extra: Partial<NewPushSubscription> = {}): NewPushSubscription => ({
  endpoint,
  ...keys,
  label: 'Chrome on Linux',
  preview: true,
  ...extra,
});

repositorySuite('push subscription repository contract', ({ repositories, newUser, backend }) => {
  let store: ReturnType<typeof repositories>;
  beforeAll(() => {
    store = repositories();
  });
  const ep = (name: string) => `https://fcm.googleapis.com/fcm/send/${backend.name}-${name}-${Math.random()}`;

  it('upserts by endpoint (the last subscriber owns it), lists newest first, keeps the keys and flags', async () => {
    const [alice, bob] = [await newUser(), await newUser()];
    const phone = ep('phone');
    const first = await store.pushSubscriptions.upsert(alice.id, device(phone), 1000, 20);
    expect(first.created).toBe(true);
    expect(first.subscription).toMatchObject({ userId: alice.id, endpoint: phone, keys, preview: true, createdAt: 1000, updatedAt: 1000 });
    const laptop = await store.pushSubscriptions.upsert(alice.id, device(ep('laptop'), { preview: false, label: 'Firefox' }), 2000, 20);
    expect((await store.pushSubscriptions.listForUser(alice.id)).map((s) => s.id)).toEqual([laptop.subscription.id, first.subscription.id]);

    const again = await store.pushSubscriptions.upsert(alice.id, device(phone, { preview: false, auth: 'b'.repeat(22) }), 3000, 20);
    expect(again).toMatchObject({
      created: false,
      subscription: { id: first.subscription.id, preview: false, createdAt: 1000, updatedAt: 3000 },
    });
    expect(again.subscription.keys.auth).toBe('b'.repeat(22));

    // The same browser, now signed in as Bob: the endpoint is his, no longer Alice's.
    await store.pushSubscriptions.upsert(bob.id, device(phone), 4000, 20);
    expect((await store.pushSubscriptions.listForUser(alice.id)).map((s) => s.endpoint)).toEqual([laptop.subscription.endpoint]);
    expect((await store.pushSubscriptions.listForUser(bob.id)).map((s) => s.endpoint)).toEqual([phone]);
  });

  it('keeps at most the cap per user, dropping the least recently updated', async () => {
    const carol = await newUser();
    const endpoints = [ep('a'), ep('b'), ep('c')];
    for (const [i, endpoint] of endpoints.entries()) await store.pushSubscriptions.upsert(carol.id, device(endpoint), 100 + i, 2);
    expect((await store.pushSubscriptions.listForUser(carol.id)).map((s) => s.endpoint)).toEqual([endpoints[2], endpoints[1]]);
  });

  it('removes by owner and id, or by endpoint; removing twice changes nothing', async () => {
    const [dave, erin] = [await newUser(), await newUser()];
    const { subscription } = await store.pushSubscriptions.upsert(dave.id, device(ep('d')), 1, 20);
    expect(await store.pushSubscriptions.remove(erin.id, subscription.id)).toBe(false); // not hers
    expect(await store.pushSubscriptions.remove(dave.id, subscription.id)).toBe(true);
    expect(await store.pushSubscriptions.remove(dave.id, subscription.id)).toBe(false);
    const other = await store.pushSubscriptions.upsert(dave.id, device(ep('e')), 2, 20);
    expect(await store.pushSubscriptions.removeByEndpoint(other.subscription.endpoint)).toBe(true);
    expect(await store.pushSubscriptions.removeByEndpoint(other.subscription.endpoint)).toBe(false);
    expect(await store.pushSubscriptions.listForUser(dave.id)).toEqual([]);
  });

  it('a mute is one member’s, only for members, and shows in that member’s view of the conversation', async () => {
    const [alice, bob, stranger] = [await newUser(), await newUser(), await newUser()];
    const id = await store.conversations.createConversation({
      kind: 'group',
      title: 'g',
      ownerId: alice.id,
      directKey: null,
      memberIds: [alice.id, bob.id],
    });
    expect(await store.mutes.mutedAmong(id, [alice.id, bob.id])).toEqual([]);
    expect(await store.mutes.setMuted(id, bob.id, true)).toBe(true);
    expect(await store.mutes.setMuted(id, bob.id, true)).toBe(true); // idempotent
    expect(await store.mutes.setMuted(id, stranger.id, true)).toBe(false);
    expect(await store.mutes.mutedAmong(id, [alice.id, bob.id, stranger.id])).toEqual([bob.id]);
    expect((await store.conversations.getConversation(id, bob.id))?.muted).toBe(true);
    expect((await store.conversations.getConversation(id, alice.id))?.muted).toBe(false);
    expect(await store.mutes.setMuted(id, bob.id, false)).toBe(true);
    expect(await store.mutes.mutedAmong(id, [bob.id])).toEqual([]);
  });

  it('a user’s subscriptions go with the user', async () => {
    const gone = await newUser();
    await store.pushSubscriptions.upsert(gone.id, device(ep('gone')), 1, 20);
    await store.database.db.deleteFrom('users').where('id', '=', gone.id).execute();
    expect(await store.pushSubscriptions.listForUser(gone.id)).toEqual([]);
  });
});
