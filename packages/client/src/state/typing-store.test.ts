import type { ServerFrameOf } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClient, FakeTimers } from '../../test/store-fakes.js';
import { TypingStore } from './typing-store.js';

function setup() {
  const timers = new FakeTimers();
  const client = new FakeClient();
  const sent: boolean[] = [];
  let connected = true;
  const store = new TypingStore(client.port, 'c1', {
    timers,
    send: (isTyping) => {
      if (connected) sent.push(isTyping);
      return connected;
    },
  });
  const stop = store.subscribe(() => undefined);
  client.setStatus('connecting');
  client.setStatus('connected');
  const typing = (userId: string, isTyping: boolean, conversationId = 'c1'): ServerFrameOf<'typing_status'> => ({
    id: `t-${Math.random()}`,
    type: 'typing',
    action: 'typing_status',
    data: { conversationId, userId, isTyping },
    timestamp: timers.now(),
  });
  return { timers, client, sent, store, stop, typing, online: (value: boolean) => (connected = value) };
}

describe('TypingStore (local typing)', () => {
  it('sends true at most once per 2 s while typing, and false once on stop', () => {
    const { timers, sent, store } = setup();
    store.notifyTyping();
    timers.advance(500);
    store.notifyTyping();
    timers.advance(1_000);
    store.notifyTyping();
    expect(sent).toEqual([true]);
    timers.advance(600); // 2.1 s after the first send
    store.notifyTyping();
    expect(sent).toEqual([true, true]);
    store.stopTyping();
    store.stopTyping();
    expect(sent).toEqual([true, true, false]);
  });

  it('sends false by itself after 4 s without a keystroke', () => {
    const { timers, sent, store } = setup();
    store.notifyTyping();
    timers.advance(3_999);
    expect(sent).toEqual([true]);
    timers.advance(1);
    expect(sent).toEqual([true, false]);
    expect(timers.pending).toBe(0);
  });

  it('an unsent true (offline) is tried again on the next keystroke, and no false follows it', () => {
    const { sent, store, online } = setup();
    online(false);
    store.notifyTyping();
    store.stopTyping();
    expect(sent).toEqual([]);
    online(true);
    store.notifyTyping();
    expect(sent).toEqual([true]);
  });

  it('stopping the store ends the local indicator and leaves no timer', () => {
    const { timers, sent, store, stop } = setup();
    store.notifyTyping();
    stop();
    timers.advance(0);
    expect(sent).toEqual([true, false]);
    expect(timers.pending).toBe(0);
  });
});

describe('TypingStore (remote typing)', () => {
  it('shows typists of this conversation until false, 6 s of silence, or a lost connection', () => {
    const { timers, client, store, typing } = setup();
    client.emit(typing('u-a', true));
    client.emit(typing('u-b', true));
    client.emit(typing('u-c', true, 'other-conversation'));
    expect(store.getSnapshot()).toEqual(['u-a', 'u-b']);
    const snapshot = store.getSnapshot();
    client.emit(typing('u-a', true)); // a refresh changes nothing visible
    expect(store.getSnapshot()).toBe(snapshot);

    client.emit(typing('u-a', false));
    expect(store.getSnapshot()).toEqual(['u-b']);
    timers.advance(5_999);
    expect(store.getSnapshot()).toEqual(['u-b']);
    timers.advance(1);
    expect(store.getSnapshot()).toEqual([]);

    client.emit(typing('u-a', true));
    client.setStatus('reconnecting');
    expect(store.getSnapshot()).toEqual([]);
    expect(timers.pending).toBe(0);
  });

  it('stopping clears indicators, timers and handlers', () => {
    const { timers, client, store, stop, typing } = setup();
    client.emit(typing('u-a', true));
    stop();
    timers.advance(0);
    expect(store.getSnapshot()).toEqual([]);
    expect(timers.pending).toBe(0);
    expect(client.handlerCount).toBe(0);
  });
});
