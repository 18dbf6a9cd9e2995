/**
 * PresenceStore and the client's PresenceInterest behind it, driven through a fake client: users are
 * watched while a store shows them (`presence_subscribe`, coalesced, once per user however many
 * stores show it), changes come from `presence_batch` and `presence_update`, a reconnect subscribes
 * again, and the last store to let a user go unsubscribes it.
 */
import type { Presence } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClient, FakeTimers, flush } from '../../test/store-fakes.js';
import { PresenceStore } from './presence-store.js';

const presence = (userId: string, online: boolean, lastSeenAt: number | null = 1): Presence => ({
  userId,
  online,
  lastSeenAt,
  deviceTypes: online ? ['desktop'] : [],
});

function setup(ids = ['u-a', 'u-b']) {
  const client = new FakeClient();
  const timers = new FakeTimers();
  const store = new PresenceStore(client.port, ids, timers);
  const stop = store.subscribe(() => undefined);
  const batch = (...p: Presence[]) =>
    client.emit({ id: 'p', type: 'presence', action: 'presence_batch', data: { presence: p }, timestamp: 1 });
  const update = (p: Presence) => client.emit({ id: 'p', type: 'presence', action: 'presence_update', data: p, timestamp: 1 });
  const connect = () => {
    client.setStatus('connecting');
    client.setStatus('connected');
    timers.advance(0);
  };
  return { client, timers, store, stop, batch, update, connect };
}

describe('PresenceStore', () => {
  it('subscribes on every connect and follows batches and updates for its own users only', async () => {
    const { client, timers, store, batch, update, connect } = setup();
    expect(client.requests).toEqual([]);
    connect();
    const subscribe = client.take('presence_subscribe');
    expect(subscribe.data).toEqual({ userIds: ['u-a', 'u-b'] });
    subscribe.resolve({ presence: [presence('u-a', true), presence('u-b', false, null)] });
    await flush();
    expect(store.getSnapshot()).toEqual({ 'u-a': presence('u-a', true), 'u-b': presence('u-b', false, null) });

    batch(presence('u-b', true), presence('u-x', true)); // u-x is not watched
    expect(Object.keys(store.getSnapshot()).sort()).toEqual(['u-a', 'u-b']);
    expect(store.getSnapshot()['u-b']?.online).toBe(true);
    update(presence('u-a', false, 7));
    expect(store.getSnapshot()['u-a']).toEqual(presence('u-a', false, 7));
    const snapshot = store.getSnapshot();
    batch(presence('u-a', false, 7)); // no change, same snapshot
    expect(store.getSnapshot()).toBe(snapshot);

    client.setStatus('reconnecting');
    client.setStatus('connected');
    timers.advance(0);
    expect(client.take('presence_subscribe').data).toEqual({ userIds: ['u-a', 'u-b'] });
  });

  it('a live change that arrives while the subscribe is out is not undone by the older answer', async () => {
    const { client, store, batch, connect } = setup();
    connect();
    const subscribe = client.take('presence_subscribe');
    batch(presence('u-a', false, 5)); // u-a left after the server answered
    subscribe.resolve({ presence: [presence('u-a', true), presence('u-b', true)] });
    await flush();
    expect(store.getSnapshot()['u-a']).toEqual(presence('u-a', false, 5));
    expect(store.getSnapshot()['u-b']?.online).toBe(true);
  });

  it('two stores share one watch per user; the last to stop unsubscribes it, and nothing is left listening', async () => {
    const { client, timers, stop, connect } = setup(['u-a', 'u-b']);
    connect();
    client.take('presence_subscribe').resolve({ presence: [] });
    const other = new PresenceStore(client.port, ['u-b', 'u-c'], timers);
    const stopOther = other.subscribe(() => undefined);
    timers.advance(0);
    expect(client.take('presence_subscribe').data).toEqual({ userIds: ['u-c'] });
    stop();
    timers.advance(0); // the store stops one timer tick later, the interest flushes the next
    timers.advance(0);
    expect(client.take('presence_unsubscribe').data).toEqual({ userIds: ['u-a'] });
    stopOther();
    timers.advance(0);
    timers.advance(0);
    expect(client.take('presence_unsubscribe').data).toEqual({ userIds: ['u-b', 'u-c'] });
    expect(client.requests).toEqual([]);
    expect(client.handlerCount).toBe(0);
    await flush();
  });

  it('asks nothing for no users, and asks nothing while disconnected', () => {
    const { client, timers, stop } = setup([]);
    client.setStatus('connected');
    timers.advance(0);
    expect(client.requests).toEqual([]);
    stop();
    const offline = setup(['u-a']);
    offline.timers.advance(0);
    expect(offline.client.requests).toEqual([]);
    offline.stop();
  });
});
