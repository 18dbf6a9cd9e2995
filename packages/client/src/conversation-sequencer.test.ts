import { describe, expect, it } from 'vitest';
import { messageFrame } from '../test/fake-socket.js';
import { ConversationSequencer } from './conversation-sequencer.js';

const seqs = (frames: { data: { seq: number } }[]) => frames.map((f) => f.data.seq);

describe('ConversationSequencer', () => {
  it('releases in order, drops repeats, holds frames ahead of a gap until it fills', () => {
    const s = new ConversationSequencer(0);
    expect(seqs(s.accept(messageFrame('c', 1)))).toEqual([1]);
    expect(seqs(s.accept(messageFrame('c', 1)))).toEqual([]);
    expect(seqs(s.accept(messageFrame('c', 4)))).toEqual([]);
    expect(seqs(s.accept(messageFrame('c', 3)))).toEqual([]);
    expect(s.hasGap).toBe(true);
    expect(seqs(s.accept(messageFrame('c', 2)))).toEqual([2, 3, 4]);
    expect(s.hasGap).toBe(false);
    expect(s.delivered).toBe(4);
  });

  it('holds everything until the baseline is known, then releases what follows it', () => {
    const s = new ConversationSequencer(null);
    expect(s.accept(messageFrame('c', 5))).toEqual([]);
    expect(s.accept(messageFrame('c', 7))).toEqual([]);
    expect(s.accept(messageFrame('c', 6))).toEqual([]);
    expect(seqs(s.setBaseline(5))).toEqual([6, 7]);
    expect(s.setBaseline(1)).toEqual([]);
    expect(s.delivered).toBe(7);
  });

  it('holds at most maxHeld frames', () => {
    const s = new ConversationSequencer(0, 2);
    s.accept(messageFrame('c', 3));
    s.accept(messageFrame('c', 4));
    s.accept(messageFrame('c', 5));
    expect(s.heldCount).toBe(2);
    expect(seqs(s.accept(messageFrame('c', 1)))).toEqual([1]);
    expect(seqs(s.accept(messageFrame('c', 2)))).toEqual([2, 3, 4]);
  });

  it('skips seqs the server deleted for good, releasing what waited past them, and never moves back', () => {
    const s = new ConversationSequencer(2);
    s.accept(messageFrame('c', 6));
    s.accept(messageFrame('c', 7));
    expect(s.hasGap).toBe(true);
    expect(seqs(s.skipTo(5))).toEqual([6, 7]);
    expect(s.hasGap).toBe(false);
    expect(s.skipTo(3)).toEqual([]);
    expect(s.delivered).toBe(7);
    expect(new ConversationSequencer(null).skipTo(5)).toEqual([]);
  });
});
