/**
 * Subscriptions on a fake clock with scripted subscribe/history replies: an early ack (`ackFirst`)
 * names the catch-up's target and the missed messages follow; a catch-up that keeps moving is never
 * refilled however long it takes, one that stops short is read from `history`, and an old server's
 * late ack (its lastSeq already delivered) leaves nothing to wait for.
 */
import type { ConversationChange, HeraldError, HistoryResult } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test/fake-clock.js';
import { message, messageFrame } from '../test/fake-socket.js';
import { type SubscribeResult, Subscriptions } from './subscriptions.js';

/** A change event (an edit of message 1) at `seq`, as history pages carry them. */
const changeAt = (conversationId: string, seq: number): ConversationChange => ({
  action: 'message_updated',
  data: { conversationId, seq, messageId: 'm1', userId: 'u1', at: 1, text: `edit ${seq}`, mentions: [], groupMention: null },
});

/** `stored` seqs; with `changeEvery`, each seq divisible by it is a change, not a message. */
function setup(stored: number, changeEvery = 0) {
  const clock = new FakeClock();
  const delivered: number[] = [];
  const errors: HeraldError[] = [];
  const historyCalls: number[] = [];
  let ack: (result: SubscribeResult) => void = () => undefined;
  const subscriptions = new Subscriptions({
    timers: clock,
    gapTimeoutMs: 1000,
    stallTimeoutMs: 3000,
    subscribe: () => new Promise<SubscribeResult>((resolve) => (ack = resolve)),
    history: async (conversationId, after): Promise<HistoryResult> => {
      historyCalls.push(after);
      const seqs = Array.from({ length: Math.max(0, Math.min(200, stored - after)) }, (_, i) => after + 1 + i);
      const isChange = (seq: number) => changeEvery > 0 && seq % changeEvery === 0;
      return {
        messages: seqs.filter((seq) => !isChange(seq)).map((seq) => message(conversationId, seq)),
        changes: seqs.filter(isChange).map((seq) => changeAt(conversationId, seq)),
        hasMore: after + seqs.length < stored,
      };
    },
    isConnected: () => true,
    deliver: (frame) => void delivered.push(frame.action === 'new_message' ? frame.data.seq : -frame.data.seq),
    report: (error) => void errors.push(error),
  });
  return { clock, delivered, errors, historyCalls, subscriptions, ack: (result: SubscribeResult) => ack(result) };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('Subscriptions', () => {
  it('an early ack names the target; a catch-up that keeps moving is never refilled, however long it takes', async () => {
    const t = setup(1000);
    const added = t.subscriptions.add('c1', 0);
    expect(t.subscriptions.follows('c1')).toBe(true);
    t.ack({ conversationId: 'c1', lastSeq: 1000 });
    await expect(added).resolves.toEqual({ conversationId: 'c1', lastSeq: 1000 });
    // 100 frames every 600 ms: 6 s in all, six times the gap timeout, but never a stall.
    for (let from = 1; from <= 1000; from += 100) {
      for (const seq of range(from, from + 99)) t.subscriptions.handle(messageFrame('c1', seq));
      await t.clock.advanceAsync(600);
    }
    expect(t.delivered).toEqual(range(1, 1000));
    expect(t.historyCalls).toEqual([]);
    expect(t.subscriptions.refills).toBe(0);
    expect(t.clock.pending).toBe(0); // caught up: no timer left
    expect(t.errors).toEqual([]);
  });

  it('a catch-up that stops short of its target is read from history after stallTimeoutMs without progress', async () => {
    const t = setup(450);
    const added = t.subscriptions.add('c1', 0);
    t.ack({ conversationId: 'c1', lastSeq: 450 });
    await added;
    for (const seq of range(1, 40)) t.subscriptions.handle(messageFrame('c1', seq));
    // The timer armed at the ack finds progress when it fires, and waits one more full window.
    await t.clock.advanceAsync(5999);
    expect(t.historyCalls).toEqual([]);
    await t.clock.advanceAsync(1);
    expect(t.historyCalls).toEqual([40, 240, 440]);
    expect(t.delivered).toEqual(range(1, 450));
    expect(t.subscriptions.refills).toBe(3);
    expect(t.clock.pending).toBe(0);
  });

  it('a gap during a catch-up is filled after gapTimeoutMs, not the longer stall timeout', async () => {
    const t = setup(100);
    const added = t.subscriptions.add('c1', 0);
    t.ack({ conversationId: 'c1', lastSeq: 100 });
    await added;
    for (const seq of range(1, 10)) t.subscriptions.handle(messageFrame('c1', seq));
    t.subscriptions.handle(messageFrame('c1', 20)); // 11..19 lost
    await t.clock.advanceAsync(999);
    expect(t.historyCalls).toEqual([]);
    await t.clock.advanceAsync(1);
    expect(t.historyCalls).toEqual([10]);
    expect(t.delivered).toEqual(range(1, 100));
    expect(t.clock.pending).toBe(0);
  });

  it('a gap filled from history takes the changes in it too, each once, in seq order with the messages', async () => {
    const t = setup(30, 4);
    const added = t.subscriptions.add('c1', 0);
    t.ack({ conversationId: 'c1', lastSeq: 30 });
    await added;
    for (const seq of range(1, 3)) t.subscriptions.handle(messageFrame('c1', seq));
    t.subscriptions.handle(messageFrame('c1', 30)); // 4..29 lost, changes among them
    await t.clock.advanceAsync(1000);
    expect(t.historyCalls).toEqual([3]);
    // Changes are delivered as changes (negative here), at their own seqs.
    expect(t.delivered).toEqual(range(1, 30).map((seq) => (seq % 4 === 0 ? -seq : seq)));
    expect(t.clock.pending).toBe(0);
  });

  it("an old server's ack after the catch-up (lastSeq already delivered) leaves nothing to wait for", async () => {
    const t = setup(3);
    const added = t.subscriptions.add('c1', 0);
    for (const seq of range(1, 3)) t.subscriptions.handle(messageFrame('c1', seq));
    t.ack({ conversationId: 'c1', lastSeq: 3 });
    await added;
    expect(t.delivered).toEqual([1, 2, 3]);
    expect(t.clock.pending).toBe(0);
    await t.clock.advanceAsync(5000);
    expect(t.historyCalls).toEqual([]);
  });

  it('live frames that race the catch-up are delivered once, in order', async () => {
    const t = setup(10);
    const added = t.subscriptions.add('c1', 4);
    t.ack({ conversationId: 'c1', lastSeq: 8 });
    await added;
    for (const seq of [9, 10, 5, 6, 9, 7, 8, 10]) t.subscriptions.handle(messageFrame('c1', seq));
    expect(t.delivered).toEqual([5, 6, 7, 8, 9, 10]);
    expect(t.clock.pending).toBe(0);
  });
});
