/**
 * HeraldClient against an in-memory fake server and a fake clock: resume, gaps, the dispatch queue, the outbox, shared connections and dispose.
 * (The same behaviours run against the real server in ../test.)
 */
import type { HeraldError, ServerFrame } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { setup } from '../test/client-setup.js';
import { FakeOnline, FakeVisibility } from '../test/fake-sources.js';

describe('HeraldClient subscriptions and outbox', () => {
  it('resumes a followed conversation after reconnect: every seq once, in order', async () => {
    const t = setup();
    const got: number[] = [];
    t.client.on('new_message', (f) => void got.push(f.data.seq));
    await t.client.connect();
    for (let i = 0; i < 3; i++) t.server.publish('c1');
    await expect(t.client.subscribeConversation('c1', { since: 1 })).resolves.toEqual({ conversationId: 'c1', lastSeq: 3 });
    await t.clock.advanceAsync(0);
    expect(got).toEqual([2, 3]);
    t.server.last.drop(1006);
    const missed = [t.server.publish('c1'), t.server.publish('c1')];
    await t.clock.advanceAsync(1000);
    expect(t.server.last.sentOf('subscribe')[0]?.data).toEqual({ conversationId: 'c1', since: 3, ackFirst: true });
    t.server.last.receive(missed[1] as ServerFrame); // a live repeat of what the catch-up sent
    await t.clock.advanceAsync(0);
    expect(got).toEqual([2, 3, 4, 5]);
    expect(t.client.lastSeq('c1')).toBe(5);
  });

  it('subscribing twice to the same conversation resolves at once the second time', async () => {
    const t = setup();
    await t.client.connect();
    t.server.publish('c1');
    await t.client.subscribeConversation('c1');
    await expect(t.client.subscribeConversation('c1')).resolves.toEqual({ conversationId: 'c1', lastSeq: 1 });
    expect(t.server.last.sentOf('subscribe')).toHaveLength(1);
  });

  it('unsubscribing stops following: the server is told and the resume point is forgotten', async () => {
    const t = setup();
    await t.client.connect();
    await t.client.subscribeConversation('c1', { since: 0 });
    await t.client.unsubscribeConversation('c1');
    expect(t.server.last.sentOf('unsubscribe')[0]?.data).toEqual({ conversationId: 'c1' });
    expect(t.client.lastSeq('c1')).toBeNull();
    t.server.last.drop(1006);
    await t.clock.advanceAsync(1000);
    expect(t.server.last.sentOf('subscribe')).toHaveLength(0);
  });

  it('holds an out-of-order message and fetches the gap from history after gapTimeoutMs', async () => {
    const t = setup({ gapTimeoutMs: 300 });
    const got: number[] = [];
    t.client.on('new_message', (f) => void got.push(f.data.seq));
    await t.client.connect();
    await t.client.subscribeConversation('c1', { since: 0 });
    const frames = [t.server.publish('c1'), t.server.publish('c1'), t.server.publish('c1')];
    t.server.last.receive(frames[0] as ServerFrame);
    t.server.last.receive(frames[2] as ServerFrame); // 2 went missing
    await t.clock.advanceAsync(0);
    expect(got).toEqual([1]);
    await t.clock.advanceAsync(299);
    expect(t.server.last.sentOf('history')).toHaveLength(0);
    await t.clock.advanceAsync(1);
    expect(t.server.last.sentOf('history')[0]?.data).toMatchObject({ conversationId: 'c1', after: 1 });
    expect(got).toEqual([1, 2, 3]);
  });

  it("never drops a followed conversation's frames on overflow (no report, no refill); other frames drop oldest and are reported", async () => {
    const t = setup({ dispatch: { capacity: 5 }, gapTimeoutMs: 100 });
    const got: string[] = [];
    t.client.on('new_message', (f) => void got.push(`${f.data.conversationId}:${f.data.seq}`));
    await t.client.connect();
    await t.client.subscribeConversation('c1', { since: 0 });
    await t.clock.advanceAsync(0);
    for (let i = 0; i < 20; i++) t.server.last.receive(t.server.publish('c1'));
    for (let i = 0; i < 8; i++) t.server.last.receive(t.server.publish('other')); // not followed: droppable
    await t.clock.advanceAsync(0);
    expect(t.errors.map(([e, c]) => [e.code, c.source, (e.details as { dropped: number }).dropped])).toEqual([
      ['queue_full', 'dispatch', 3],
    ]);
    await t.clock.advanceAsync(1000);
    const c1 = Array.from({ length: 20 }, (_, i) => `c1:${i + 1}`);
    expect(got).toEqual([...c1, ...[4, 5, 6, 7, 8].map((seq) => `other:${seq}`)]);
    expect(t.server.last.sentOf('history')).toHaveLength(0);
  });

  it('queues messages while disconnected and sends them in order, once, after connecting', async () => {
    const t = setup();
    const sent = [t.client.sendMessage('c1', { text: 'one' }), t.client.sendMessage('c1', { text: 'two' }, { id: 'my-id' })];
    expect(t.client.pendingMessages().map((r) => r.frame.data.text)).toEqual(['one', 'two']);
    await t.client.connect();
    const results = await Promise.all(sent);
    expect(results.map((r) => r.seq)).toEqual([1, 2]);
    expect(t.server.messages.get('c1')?.map((m) => [m.text, m.clientId === 'my-id'])).toEqual([
      ['one', false],
      ['two', true],
    ]);
    await expect(t.client.sendMessage('c1', { text: '  ' })).rejects.toMatchObject({ code: 'invalid_frame' });
  });

  it('shares one connection: first acquire connects, last release disconnects after the grace period', async () => {
    const t = setup({ releaseGraceMs: 1000 });
    const releaseA = t.client.acquire();
    const releaseB = t.client.acquire();
    await t.clock.advanceAsync(0);
    expect(t.client.getState().status).toBe('connected');
    releaseA();
    releaseB();
    await t.clock.advanceAsync(500);
    const releaseC = t.client.acquire(); // route change: the next consumer arrives within the grace
    await t.clock.advanceAsync(5000);
    expect(t.client.getState().status).toBe('connected');
    expect(t.server.sockets).toHaveLength(1);
    releaseC();
    await t.clock.advanceAsync(1000);
    expect(t.client.getState().status).toBe('disconnected');
  });

  it('dispose rejects everything pending with disconnected and leaves no timer, listener or handler', async () => {
    const online = new FakeOnline();
    const visibility = new FakeVisibility();
    const t = setup({ server: { autoRespond: true }, online, visibility });
    t.client.on('new_message', () => undefined);
    t.client.subscribe(() => undefined);
    await t.client.connect();
    t.server.ignore.add('history');
    const request = t.client.request('history', { conversationId: 'c1' }, { timeoutMs: 60_000 });
    t.server.last.drop(1006); // the queued message now waits in the outbox
    const queued = t.client.sendMessage('c1', { text: 'later' });
    const subscription = t.client.subscribeConversation('c2');
    t.client.dispose();
    const outcomes = await Promise.allSettled([request, queued, subscription]);
    expect(outcomes.map((o) => o.status === 'rejected' && (o.reason as HeraldError).code)).toEqual([
      'disconnected',
      'disconnected',
      'disconnected',
    ]);
    expect(t.client.handlerCount).toBe(0);
    expect(t.clock.pending).toBe(0);
    expect(online.listenerCount).toBe(0);
    expect(visibility.listenerCount).toBe(0);
    await expect(t.client.connect()).rejects.toMatchObject({ code: 'disconnected' });
  });
});
