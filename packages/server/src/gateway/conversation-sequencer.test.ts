import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../bus/bus.js';
import { ConversationSequencer } from './conversation-sequencer.js';

const event = (seq: number, conversationId = 'c'): ConversationEvent => ({
  type: 'conversation_event',
  conversationId,
  seq,
  memberIds: ['u'],
  frame: `f${seq}`,
  publishedAt: 0,
});

describe('ConversationSequencer', () => {
  const sequencers: ConversationSequencer[] = [];
  afterEach(() => {
    for (const s of sequencers.splice(0)) s.close();
  });

  function make(fetch: (from: number, to: number) => Promise<ConversationEvent[]> = async () => []) {
    const delivered: number[] = [];
    let onDeliver: (() => void) | undefined;
    const sequencer = new ConversationSequencer({
      gapMs: 30,
      idleMs: 1000,
      fetch: (_c, from, to) => fetch(from, to),
      deliver: (e) => {
        delivered.push(e.seq);
        onDeliver?.();
      },
      onError: () => undefined,
    });
    sequencers.push(sequencer);
    const until = (count: number) =>
      new Promise<void>((resolve) => {
        onDeliver = () => delivered.length >= count && resolve();
        if (delivered.length >= count) resolve();
      });
    return { sequencer, delivered, until };
  }

  it('passes events in order straight through', () => {
    const { sequencer, delivered } = make();
    for (const seq of [4, 5, 6]) sequencer.offer(event(seq));
    expect(delivered).toEqual([4, 5, 6]);
  });

  it('holds an event past a gap until the missing one arrives', () => {
    const { sequencer, delivered } = make();
    sequencer.offer(event(1));
    sequencer.offer(event(3));
    sequencer.offer(event(4));
    expect(delivered).toEqual([1]);
    sequencer.offer(event(2));
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('fetches what does not arrive within the gap time', async () => {
    const asked: [number, number][] = [];
    const { sequencer, delivered, until } = make(async (from, to) => {
      asked.push([from, to]);
      return Array.from({ length: to - from }, (_, i) => event(from + i));
    });
    sequencer.offer(event(10));
    sequencer.offer(event(13));
    await until(4);
    expect(delivered).toEqual([10, 11, 12, 13]);
    expect(asked).toEqual([[11, 13]]);
  });

  it('moves on when the store cannot fill the gap, and passes late events on', async () => {
    const { sequencer, delivered, until } = make(async () => []);
    sequencer.offer(event(1));
    sequencer.offer(event(3));
    await until(2);
    expect(delivered).toEqual([1, 3]);
    sequencer.offer(event(2)); // late: still delivered, connections drop repeats
    expect(delivered).toEqual([1, 3, 2]);
  });

  it("closes every gap up to the highest held seq with one read (the bus down: other nodes' seqs missing between its own)", async () => {
    const asked: [number, number][] = [];
    const { sequencer, delivered, until } = make(async (from, to) => {
      asked.push([from, to]);
      return Array.from({ length: to - from }, (_, i) => event(from + i));
    });
    for (const seq of [1, 3, 5, 7]) sequencer.offer(event(seq));
    await until(7);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(asked).toEqual([[2, 7]]);
  });

  it('fill: store events after an outage are delivered in order, and held repeats of them are dropped', () => {
    const { sequencer, delivered } = make();
    sequencer.offer(event(1));
    sequencer.offer(event(4)); // held: 2 and 3 missing
    sequencer.offer(event(6)); // held
    sequencer.fill('c', [event(2), event(3), event(4)]);
    expect(delivered).toEqual([1, 2, 3, 4]); // 6 still waits for 5
    sequencer.offer(event(5));
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    sequencer.fill('d', [event(9, 'd'), event(10, 'd')]); // first contact: starts at the store's first
    sequencer.offer(event(11, 'd'));
    expect(delivered.slice(6)).toEqual([9, 10, 11]);
  });

  it('keeps conversations apart and forgets idle ones', () => {
    const { sequencer, delivered } = make();
    sequencer.offer(event(1, 'a'));
    sequencer.offer(event(7, 'b'));
    sequencer.offer(event(2, 'a'));
    expect(delivered).toEqual([1, 7, 2]);
    sequencer.sweep(Date.now() + 5000);
    expect(sequencer.size).toBe(0);
  });
});
