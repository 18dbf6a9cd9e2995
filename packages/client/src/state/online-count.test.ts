import { describe, expect, it } from 'vitest';
import { FakeClient, FakeTimers, flush } from '../../test/store-fakes.js';
import { OnlineCountStore } from './online-count.js';

describe('OnlineCountStore', () => {
  it('asks on start and on every connect, then every refresh period while shown; stops asking when nothing shows it', async () => {
    const client = new FakeClient();
    const timers = new FakeTimers();
    client.setStatus('connected');
    const store = new OnlineCountStore(client.port, 'c1', timers, 1000);
    const stop = store.subscribe(() => undefined);
    const first = client.take('conversation_presence');
    expect(first.data).toEqual({ conversationId: 'c1' });
    first.resolve({ conversationId: 'c1', members: 500, online: 12 });
    await flush();
    expect(store.getSnapshot()).toEqual({ members: 500, online: 12 });

    timers.advance(1000);
    client.take('conversation_presence').resolve({ conversationId: 'c1', members: 500, online: 12 });
    await flush();
    const same = store.getSnapshot();
    client.setStatus('reconnecting');
    client.setStatus('connected');
    client.take('conversation_presence').resolve({ conversationId: 'c1', members: 501, online: 30 });
    await flush();
    expect(store.getSnapshot()).toEqual({ members: 501, online: 30 });
    expect(store.getSnapshot()).not.toBe(same);

    stop();
    timers.advance(0);
    timers.advance(5000);
    expect(client.requests).toEqual([]);
    expect(client.handlerCount).toBe(0);
  });

  it('drops an answer that comes after it stopped, and a refusal leaves the count unknown', async () => {
    const client = new FakeClient();
    const timers = new FakeTimers();
    client.setStatus('connected');
    const store = new OnlineCountStore(client.port, 'c1', timers, 1000);
    const stop = store.subscribe(() => undefined);
    client.take('conversation_presence').reject(new Error('forbidden'));
    await flush();
    expect(store.getSnapshot()).toBeNull();
    timers.advance(1000);
    const late = client.take('conversation_presence');
    stop();
    timers.advance(0);
    late.resolve({ conversationId: 'c1', members: 3, online: 1 });
    await flush();
    expect(store.getSnapshot()).toBeNull();
  });
});
