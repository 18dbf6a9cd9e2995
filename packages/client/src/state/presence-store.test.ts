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
  const update = (p: Presence) => client.emit({ id: 'p', type: 'presence', action: 'presence_update', data: p, timestamp: 1 });
  const connect = () => {
    client.setStatus('connecting');
    client.setStatus('connected');
  };
  return { client, timers, store, stop, update, connect };
}

describe('PresenceStore', () => {
  it('asks on every connect and follows updates for its own users only', async () => {
    const { client, store, update, connect } = setup();
    expect(client.requests).toEqual([]);
    connect();
    const query = client.take('presence_query');
    expect(query.data).toEqual({ userIds: ['u-a', 'u-b'] });
    query.resolve({ presence: [presence('u-a', true), presence('u-b', false, null)] });
    await flush();
    expect(store.getSnapshot()).toEqual({ 'u-a': presence('u-a', true), 'u-b': presence('u-b', false, null) });

    update(presence('u-b', true));
    update(presence('u-x', true)); // not asked for
    expect(Object.keys(store.getSnapshot()).sort()).toEqual(['u-a', 'u-b']);
    expect(store.getSnapshot()['u-b']?.online).toBe(true);
    const snapshot = store.getSnapshot();
    update(presence('u-b', true)); // no change, same snapshot
    expect(store.getSnapshot()).toBe(snapshot);

    client.setStatus('reconnecting');
    client.setStatus('connected');
    expect(client.take('presence_query').data).toEqual({ userIds: ['u-a', 'u-b'] });
  });

  it('a live update that arrives while the query is out is not undone by the older answer', async () => {
    const { client, store, update, connect } = setup();
    connect();
    const query = client.take('presence_query');
    update(presence('u-a', false, 5)); // u-a left after the server answered
    query.resolve({ presence: [presence('u-a', true), presence('u-b', true)] });
    await flush();
    expect(store.getSnapshot()['u-a']).toEqual(presence('u-a', false, 5));
    expect(store.getSnapshot()['u-b']?.online).toBe(true);
  });

  it('asks nothing for no users, and stops listening when unsubscribed', () => {
    const { client, timers, stop, connect } = setup([]);
    connect();
    expect(client.requests).toEqual([]);
    stop();
    timers.advance(0); // the store stops one timer tick later
    expect(client.handlerCount).toBe(0);
  });
});
