import { ErrorCode, HeraldError, type SendMessageResult } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock, settle } from '../test/fake-clock.js';
import { AccountOutboxStore, defaultOutboxStore, type IdbFactory } from './indexeddb-outbox-store.js';
import { Outbox, RATE_PAD_MS } from './outbox.js';
import { MemoryOutboxStore, type OutboxFrame } from './outbox-store.js';
import { SendPacer } from './send-pacer.js';

const frame = (id: string): OutboxFrame => ({
  id,
  type: 'text',
  action: 'send_message',
  data: { conversationId: 'c', text: id },
  timestamp: 1,
});

function setup(capacity = 10, store = new MemoryOutboxStore(), maxBytes = 1 << 20) {
  const clock = new FakeClock();
  const pacer = new SendPacer(clock.now);
  let connected = false;
  const sent: string[] = [];
  const replies: { id: string; resolve: (r: SendMessageResult) => void; reject: (e: HeraldError) => void }[] = [];
  const errors: HeraldError[] = [];
  const outbox = new Outbox({
    timers: clock,
    store,
    maxCount: capacity,
    maxBytes,
    pacer,
    transmit: (f) =>
      new Promise((resolve, reject) => {
        sent.push(f.id);
        replies.push({ id: f.id, resolve, reject });
      }),
    isConnected: () => connected,
    report: (e) => errors.push(e),
  });
  const ack = (seq: number) => replies.shift()?.resolve({ messageId: `m${seq}`, conversationId: 'c', seq, createdAt: 1, duplicate: false });
  let changes = 0;
  outbox.subscribe(() => changes++);
  return {
    clock,
    pacer,
    outbox,
    store,
    sent,
    changes: () => changes,
    replies,
    errors,
    ack,
    connect: () => (connected = true),
    disconnect: () => (connected = false),
  };
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

  it('rejects beyond the count limit at once with queue_full', async () => {
    const t = setup(1);
    await t.outbox.restore();
    t.outbox.add(frame('a')).catch(() => undefined);
    await expect(t.outbox.add(frame('b'))).rejects.toMatchObject({ code: 'queue_full', details: { reason: 'outbox_full', maxCount: 1 } });
    expect(t.outbox.size).toBe(1);
  });

  it('rejects beyond the byte limit at once, counting UTF-8 bytes, and frees the bytes of what was sent', async () => {
    const big = (id: string, text: string): OutboxFrame => ({ ...frame(id), data: { conversationId: 'c', text } });
    const size = (f: OutboxFrame) => Buffer.byteLength(JSON.stringify(f));
    const first = big('a', 'é'.repeat(300));
    const t = setup(100, new MemoryOutboxStore(), size(first) + size(big('b', 'x')) + 10);
    await t.outbox.restore();
    const a = t.outbox.add(first);
    await expect(t.outbox.add(big('b', 'x'.repeat(20)))).rejects.toMatchObject({ code: 'queue_full', details: { bytes: size(first) } });
    t.outbox.add(big('b', 'x')).catch(() => undefined);
    t.connect();
    t.outbox.flush();
    await settle();
    t.ack(1);
    await a;
    await settle();
    t.outbox.add(big('c', 'x'.repeat(20))).catch(() => undefined);
    expect(t.outbox.pending().map((r) => r.id)).toEqual(['b', 'c']);
  });

  it('keeps a message the server refuses for good as failed (its promise rejects), sends the next, and can retry or discard it', async () => {
    const t = setup();
    await t.outbox.restore();
    t.connect();
    const first = t.outbox.add(frame('a'));
    const second = t.outbox.add(frame('b'));
    await settle();
    t.replies.shift()?.reject(new HeraldError(ErrorCode.Forbidden, 'not a member'));
    await expect(first).rejects.toMatchObject({ code: 'forbidden' });
    await settle();
    expect(t.sent).toEqual(['a', 'b']);
    expect(t.outbox.pending()[0]).toMatchObject({ id: 'a', state: 'failed', error: { code: 'forbidden', retryable: false } });
    expect((await t.store.load())[0]).toMatchObject({ id: 'a', state: 'failed' });
    t.ack(1);
    await expect(second).resolves.toMatchObject({ seq: 1 });
    const again = t.outbox.retry('a');
    await settle();
    expect(t.sent).toEqual(['a', 'b', 'a']);
    expect(t.outbox.pending()[0]).toMatchObject({ id: 'a', state: 'sending' });
    expect(t.outbox.discard('a')).toBe(false); // on the wire: the server decides
    t.replies.shift()?.reject(new HeraldError(ErrorCode.NotFound, 'conversation gone'));
    await expect(again).rejects.toMatchObject({ code: 'not_found' });
    const before = t.changes();
    expect(t.outbox.discard('a')).toBe(true);
    expect(t.changes()).toBe(before + 1);
    expect(t.outbox.pending()).toEqual([]);
    await settle();
    expect(t.store.size).toBe(0);
    await expect(t.outbox.retry('a')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('discarding a queued message rejects its promise with reason discarded', async () => {
    const t = setup();
    await t.outbox.restore();
    const a = t.outbox.add(frame('a'));
    expect(t.outbox.discard('a')).toBe(true);
    await expect(a).rejects.toMatchObject({ code: 'conflict', details: { reason: 'discarded' } });
    t.connect();
    t.outbox.flush();
    await settle();
    expect(t.sent).toEqual([]);
  });

  it('retries transient failures by itself with no attempt limit, delays doubling up to 30 s, then delivers', async () => {
    const t = setup();
    await t.outbox.restore();
    t.connect();
    const a = t.outbox.add(frame('a'));
    const delays: number[] = [];
    for (let i = 0; i < 40; i++) {
      await settle();
      t.replies.shift()?.reject(new HeraldError(i % 2 ? ErrorCode.Unavailable : ErrorCode.Internal, 'later'));
      await settle();
      expect(t.outbox.pending()[0]).toMatchObject({ state: 'queued', error: { retryable: true } });
      const [delay = 0] = t.clock.delays();
      delays.push(delay);
      t.clock.advance(delay);
    }
    await settle();
    expect(t.sent).toHaveLength(41);
    t.ack(1);
    await expect(a).resolves.toMatchObject({ seq: 1 });
    expect(delays.slice(0, 3)).toEqual([500, 1000, 2000]);
    expect(Math.max(...delays)).toBe(30_000);
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
    expect(t.clock.delays()).toEqual([250 + RATE_PAD_MS]);
    t.clock.advance(250 + RATE_PAD_MS - 1);
    await settle();
    expect(t.sent).toEqual(['a']);
    t.clock.advance(1);
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

describe('Outbox pacing', () => {
  it('sends a burst up to the advertised bucket, then one message per refill interval', async () => {
    const t = setup(100);
    await t.outbox.restore();
    t.connect();
    t.outbox.connected({ ratePerSecond: 10, burst: 5 });
    for (let i = 0; i < 10; i++) t.outbox.add(frame(`m${i}`)).catch(() => undefined);
    // burst 5, less headroom 2 and the authenticate frame: 2 at once.
    for (let i = 0; i < 2; i++) {
      await settle();
      t.ack(i);
    }
    await settle();
    expect(t.sent).toHaveLength(2);
    expect(t.clock.delays()).toEqual([100]);
    t.clock.advance(100);
    await settle();
    expect(t.sent).toHaveLength(3);
  });

  it('restores failed records as failed and leaves them out of the sending', async () => {
    const store = new MemoryOutboxStore();
    const error = { code: ErrorCode.Forbidden, message: 'no', retryable: false };
    await store.put({ id: 'old', frame: frame('old'), queuedAt: 1, state: 'failed', error });
    await store.put({ id: 'older-client', frame: frame('older-client'), queuedAt: 2 });
    const t = setup(10, store);
    t.connect();
    await t.outbox.restore();
    await settle();
    expect(t.sent).toEqual(['older-client']);
    expect(t.outbox.pending().map((r) => [r.id, r.state])).toEqual([
      ['old', 'failed'],
      ['older-client', 'sending'],
    ]);
  });
});

describe('defaultOutboxStore', () => {
  it('is memory without IndexedDB, and IndexedDB per account with it', () => {
    expect(defaultOutboxStore(() => undefined, undefined)).toBeInstanceOf(MemoryOutboxStore);
    const factory: IdbFactory = { open: () => failingOpen() };
    expect(defaultOutboxStore(() => undefined, factory)).toBeInstanceOf(AccountOutboxStore);
  });

  it('opens the database of the account the connection names, loading nothing before, and keeps what was written meanwhile', async () => {
    const opened: string[] = [];
    const open = (name: string) => {
      opened.push(name);
      return failingOpen();
    };
    const store = defaultOutboxStore(() => undefined, { open });
    await store.put({ id: 'early', frame: frame('early'), queuedAt: 1 });
    let loaded: string[] | undefined;
    void store.load().then((records) => (loaded = records.map((r) => r.id)));
    await settle();
    expect(loaded).toBeUndefined();
    expect(opened).toEqual([]);
    store.scope?.('u-42');
    await settle();
    expect(opened).toEqual(['herald-outbox-u-42']);
    expect(loaded).toEqual(['early']);
  });

  it('falls back to memory when IndexedDB fails, reporting it once', async () => {
    const reports: unknown[] = [];
    const store = defaultOutboxStore((error) => reports.push(error), { open: () => failingOpen() });
    store.scope?.('u-1');
    expect(await store.load()).toEqual([]);
    await store.put({ id: 'a', frame: frame('a'), queuedAt: 1 });
    await store.put({ id: 'b', frame: frame('b'), queuedAt: 2 });
    await store.delete('a');
    expect((await store.load()).map((r) => r.id)).toEqual(['b']);
    expect(reports).toHaveLength(1);
  });
});

/** An IndexedDB open request that fails, as in a private window or a browser that refuses storage. */
function failingOpen(): ReturnType<IdbFactory['open']> {
  const request = { result: undefined as never, error: new Error('refused'), onsuccess: null, onerror: null, onupgradeneeded: null } as {
    onerror: (() => void) | null;
  } & ReturnType<IdbFactory['open']>;
  queueMicrotask(() => request.onerror?.());
  return request;
}
