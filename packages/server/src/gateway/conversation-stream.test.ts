import { describe, expect, it } from 'vitest';
import type { ConversationEvent } from '../bus/bus.js';
import { ConversationStream } from './conversation-stream.js';

const event = (seq: number): ConversationEvent => ({
  type: 'conversation_event',
  conversationId: 'c',
  seq,
  memberIds: [],
  frame: `f${seq}`,
  publishedAt: 0,
});

describe('ConversationStream', () => {
  it('sends live events once', () => {
    const stream = new ConversationStream();
    expect([5, 6, 6, 7, 5].map((s) => stream.offer(event(s)))).toEqual([true, true, false, true, false]);
    expect(stream.lastSeq).toBe(7);
  });

  it('holds live events during a catch-up and releases only the new ones', () => {
    const stream = new ConversationStream();
    stream.offer(event(10));
    stream.offer(event(11));
    const alreadySent = stream.beginCatchUp();
    expect(alreadySent(10)).toBe(true);
    expect(alreadySent(9)).toBe(false);
    expect(stream.offer(event(12))).toBe(false);
    expect(stream.offer(event(13))).toBe(false);
    // The catch-up sent 4..9 and 12 (10, 11 were skipped as already sent).
    const released = stream.endCatchUp(3, 12);
    expect(released.map((e) => e.seq)).toEqual([13]);
    expect(stream.hasSent(4)).toBe(true);
    expect(stream.offer(event(13))).toBe(false);
    expect(stream.offer(event(14))).toBe(true);
  });

  it('an empty catch-up keeps the range anchored at since', () => {
    const stream = new ConversationStream();
    stream.beginCatchUp();
    expect(stream.endCatchUp(7, 7)).toEqual([]);
    expect(stream.offer(event(8))).toBe(true);
    expect(stream.offer(event(8))).toBe(false);
  });
});
