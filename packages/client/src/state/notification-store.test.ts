import type { Notification } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClient, flush } from '../../test/store-fakes.js';
import { NotificationStore } from './notification-store.js';

const note = (id: string, createdAt: number, read = false): Notification => ({
  id,
  level: 'info',
  title: id,
  message: '',
  audience: { kind: 'all' },
  createdAt,
  read,
});

function setup() {
  const client = new FakeClient();
  const store = new NotificationStore(client.port);
  store.subscribe(() => undefined);
  const push = (n: Notification) => client.emit({ id: n.id, type: 'system', action: 'system_notification', data: n, timestamp: 1 });
  return { client, store, push };
}

describe('NotificationStore', () => {
  it('keeps each id once, newest first, and counts the unread', () => {
    const { store, push } = setup();
    push(note('a', 1));
    push(note('b', 3));
    push(note('a', 1)); // replayed after a reconnect
    push(note('c', 2, true));
    expect(store.getSnapshot().notifications.map((n) => n.id)).toEqual(['b', 'c', 'a']);
    expect(store.getSnapshot().unreadCount).toBe(2);
  });

  it('markRead asks the server, then marks here; a later replay of a read one stays read', async () => {
    const { client, store, push } = setup();
    push(note('a', 1));
    push(note('b', 2));
    const marking = store.markRead(['a']);
    expect(store.getSnapshot().unreadCount).toBe(2); // not before the server agreed
    client.take('notifications_read').resolve({ updated: 1 });
    await marking;
    expect(store.getSnapshot().unreadCount).toBe(1);
    const all = store.markRead('all');
    expect(client.requests[0]?.data).toEqual({ ids: [], all: true });
    client.take('notifications_read').resolve({ updated: 1 });
    await all;
    expect(store.getSnapshot().unreadCount).toBe(0);
    await store.markRead([]); // nothing to ask
    expect(client.requests).toEqual([]);
  });

  it('a refused markRead rejects and changes nothing', async () => {
    const { client, store, push } = setup();
    push(note('a', 1));
    const marking = store.markRead(['a']);
    client.take('notifications_read').reject(new Error('disconnected'));
    await expect(marking).rejects.toThrow('disconnected');
    await flush();
    expect(store.getSnapshot().unreadCount).toBe(1);
  });
});
