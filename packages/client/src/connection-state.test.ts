import { describe, expect, it } from 'vitest';
import { ConnectionStateStore, type ConnectionStatus, canTransition, TRANSITIONS } from './connection-state.js';

const ALL: ConnectionStatus[] = ['disconnected', 'connecting', 'connected', 'reconnecting', 'error'];

/** A store driven to `status` through legal steps. */
function storeAt(status: ConnectionStatus): ConnectionStateStore {
  const store = new ConnectionStateStore();
  const path: Record<ConnectionStatus, ConnectionStatus[]> = {
    disconnected: [],
    connecting: ['connecting'],
    connected: ['connecting', 'connected'],
    reconnecting: ['connecting', 'reconnecting'],
    error: ['connecting', 'error'],
  };
  for (const step of path[status]) store.transition(step);
  return store;
}

describe('ConnectionStateStore', () => {
  it('starts disconnected with nothing recorded', () => {
    expect(new ConnectionStateStore().getState()).toEqual({
      status: 'disconnected',
      lastConnected: null,
      lastDisconnected: null,
      reconnectAttempts: 0,
      error: null,
      nextRetryAt: null,
      attemptLimitPassed: false,
      retryEveryMs: null,
    });
  });

  for (const from of ALL) {
    for (const to of ALL) {
      const legal = TRANSITIONS[from].includes(to);
      it(`${from} -> ${to} is ${legal ? 'allowed' : 'refused'}`, () => {
        const store = storeAt(from);
        expect(store.getState().status).toBe(from);
        expect(canTransition(from, to)).toBe(legal);
        if (legal) {
          store.transition(to, { reconnectAttempts: 7 });
          expect(store.getState()).toMatchObject({ status: to, reconnectAttempts: 7 });
        } else {
          const before = store.getState();
          expect(() => store.transition(to)).toThrow(/illegal connection transition/);
          expect(store.getState()).toBe(before);
        }
      });
    }
  }

  it('keeps the snapshot identical until something changes, and tells listeners old and new', () => {
    const store = new ConnectionStateStore();
    const seen: [string, string][] = [];
    const stop = store.subscribe((next, previous) => seen.push([previous.status, next.status]));
    const first = store.getState();
    expect(store.getState()).toBe(first);
    store.update({ reconnectAttempts: 0 }); // no change: same object, no notification
    expect(store.getState()).toBe(first);
    store.transition('connecting');
    const second = store.getState();
    expect(second).not.toBe(first);
    expect(store.getState()).toBe(second);
    stop();
    stop();
    store.transition('connected');
    expect(seen).toEqual([['disconnected', 'connecting']]);
    expect(store.listenerCount).toBe(0);
  });
});
