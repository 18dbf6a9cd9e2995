import { describe, expect, it } from 'vitest';
import { TypingTracker } from './typing-tracker.js';

const key = { conversationId: 'c1', userId: 'u1', connectionId: 'k1' };

describe('TypingTracker', () => {
  it('relays the first true, throttles repeats, and relays again once the throttle has passed', () => {
    const tracker = new TypingTracker({ ttlMs: 5000, throttleMs: 1000 });
    expect(tracker.update({ ...key, isTyping: true }, 0)).toBe(true);
    expect(tracker.update({ ...key, isTyping: true }, 300)).toBe(false);
    expect(tracker.update({ ...key, isTyping: true }, 999)).toBe(false);
    expect(tracker.update({ ...key, isTyping: true }, 1000)).toBe(true);
  });

  it('always relays true → false, and ignores false when not typing', () => {
    const tracker = new TypingTracker({ ttlMs: 5000, throttleMs: 1000 });
    expect(tracker.update({ ...key, isTyping: false }, 0)).toBe(false);
    tracker.update({ ...key, isTyping: true }, 0);
    expect(tracker.update({ ...key, isTyping: false }, 10)).toBe(true);
    expect(tracker.update({ ...key, isTyping: true }, 20)).toBe(true);
  });

  it('expires an indicator ttl after its last refresh, once', () => {
    const tracker = new TypingTracker({ ttlMs: 5000, throttleMs: 1000 });
    tracker.update({ ...key, isTyping: true }, 0);
    tracker.update({ ...key, isTyping: true }, 2000);
    expect(tracker.expire(6999)).toEqual([]);
    expect(tracker.expire(7000)).toEqual([{ conversationId: 'c1', userId: 'u1' }]);
    expect(tracker.expire(9000)).toEqual([]);
    expect(tracker.size).toBe(0);
  });

  it('keeps users and conversations apart, and drops what a closed connection kept alive', () => {
    const tracker = new TypingTracker({ ttlMs: 5000, throttleMs: 1000 });
    tracker.update({ ...key, isTyping: true }, 0);
    expect(tracker.update({ ...key, userId: 'u2', connectionId: 'k2', isTyping: true }, 1)).toBe(true);
    expect(tracker.update({ ...key, conversationId: 'c2', isTyping: true }, 2)).toBe(true);
    expect(tracker.dropConnection('k1')).toEqual([
      { conversationId: 'c1', userId: 'u1' },
      { conversationId: 'c2', userId: 'u1' },
    ]);
    expect(tracker.size).toBe(1);
  });
});
