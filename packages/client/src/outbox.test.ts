import { ErrorCode, HeraldError, type SendMessageResult } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../test/fake-clock.js';
import { Outbox } from './outbox.js';
import { MemoryOutboxStore, type OutboxFrame } from './outbox-store.js';

const frame = (id: string): OutboxFrame => ({
  id,
  type: 'text',
  action: 'send_message',
  data: { conversationId: 'c', text: id },
  timestamp: 1,
});

function setup(capacity = 10, store = new MemoryOutboxStore()) {
  const clock = new FakeClock();
  let connected = false;
  const sent: string[] = [];
  const replies: { id: string; resolve: (r: SendMessageResult) => void; reject: (e: HeraldError) => void }[] = [];
  const errors: HeraldError[] = [];
  const outbox = new Outbox({
    timers: clock,
    store,
    capacity,
    transmit: (f) =>
      new Promise((resolve, reject) => {
        sent.push(f.id);
        replies.push({ id: f.id, resolve, reject });
      }),
    isConnected: () => connected,
    report: (e) => errors.push(e),
  });
  const ack = (seq: number) => replies.shift()?.resolve({ messageId: `m${seq}`, conversationId: 'c', seq, createdAt: 1, duplicate: false });
  return { clock, outbox, store, sent, replies, errors, ack, connect: () => (connected = true), disconnect: () => (connected = false) };
}

describe('Outbox', () => {
  it('queues while disconnected and sends in order, one at a time, once connected', async () => {
    const t = setup();
    await t.outbox.restore();
    const results = ['a', 'b', 'c'].map((id) => t.outbox.add(frame(id)));
    expect(t.sent).toEqual([]);
    expect(t.store.size).toBe(3);
    t.connect();
    t.outbox.flush();
    await settle();
    expect(t.sent).toEqual(['a']);
    t.ack(1);
    await settle();
    expect(t.sent).toEqual(['a', 'b']);
    t.ack(2);
    await settle();
    t.ack(3);
    expect((await Promise.all(results)).map((r) => r.seq)).toEqual([1, 2, 3]);
    await settle();
    expect(t.store.size).toBe(0);
    expect(t.outbox.size).toBe(0);
  });

  it('a send whose connection dropped is resent with the same id after reconnect', async () => {
    const t = setup();
    await t.outbox.restore();
    t.connect();
    const result = t.outbox.add(frame('a'));
    await settle();
    t.disconnect();
    t.replies.shift()?.reject(new HeraldError(ErrorCode.Disconnected, 'lost'));
    await settle();
    expect(t.outbox.size).toBe(1);
    t.connect();
    t.outbox.flush();
    await settle();
    expect(t.sent).toEqual(['a', 'a']);
    t.ack(1);
    await expect(result).resolves.toMatchObject({ seq: 1 });
  });

  it('rejects beyond capacity at once, and rejects a message the server refuses for good', async () => {
    const t = setup(1);
    await t.outbox.restore();
    const first = t.outbox.add(frame('a'));
    await expect(t.outbox.add(frame('b'))).rejects.toMatchObject({ code: 'queue_full', details: { reason: 'outbox_full' } });
    t.connect();
    t.outbox.flush();
    await settle();
    t.replies.shift()?.reject(new HeraldError(ErrorCode.Forbidden, 'not a member'));
    await expect(first).rejects.toMatchObject({ code: 'forbidden' });
    expect(t.outbox.size).toBe(0);
  });

  it('waits out a rate limit and resends the same message before any later one', async () => {
    const t = setup();
    await t.outbox.restore();
    t.connect();
    const a = t.outbox.add(frame('a'));
    t.outbox.add(frame('b')).catch(() => undefined);
    await settle();
    t.replies.shift()?.reject(new HeraldError(ErrorCode.RateLimited, 'slow down', { retryAfterMs: 250 }));
    await settle();
    expect(t.sent).toEqual(['a']);
    t.clock.advance(250);
    await settle();
    expect(t.sent).toEqual(['a', 'a']);
    t.ack(1);
    await expect(a).resolves.toMatchObject({ seq: 1 });
    await settle();
    expect(t.sent).toEqual(['a', 'a', 'b']);
  });

  it('restores records an earlier session left, ahead of new ones', async () => {
    const store = new MemoryOutboxStore();
    await store.put({ id: 'old', frame: frame('old'), queuedAt: 1 });
    const t = setup(10, store);
    t.outbox.add(frame('new')).catch(() => undefined);
    await t.outbox.restore();
    expect(t.outbox.pending().map((r) => r.id)).toEqual(['old', 'new']);
    t.outbox.dispose(new HeraldError(ErrorCode.Disconnected, 'bye'));
    expect(store.size).toBe(2);
  });

  it('flush waits for restore, so older records always go first', async () => {
    const store = new MemoryOutboxStore();
    await store.put({ id: 'old', frame: frame('old'), queuedAt: 1 });
    const t = setup(10, store);
    t.connect();
    t.outbox.add(frame('new')).catch(() => undefined);
    await t.outbox.restore();
    await settle();
    expect(t.sent).toEqual(['old']);
  });
});

describe('Outbox ordering keys', () => {
  it('gives messages queued in the same millisecond strictly increasing queuedAt', async () => {
    const t = setup();
    for (const id of ['x', 'y', 'z']) t.outbox.add(frame(id)).catch(() => undefined);
    const stamps = t.outbox.pending().map((r) => r.queuedAt);
    expect(stamps[1]).toBeGreaterThan(stamps[0] ?? 0);
    expect(stamps[2]).toBeGreaterThan(stamps[1] ?? 0);
    expect((await t.store.load()).map((r) => r.id)).toEqual(['x', 'y', 'z']);
  });
});
