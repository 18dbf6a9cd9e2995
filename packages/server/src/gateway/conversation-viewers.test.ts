import { describe, expect, it } from 'vitest';
import { ConversationViewers } from './conversation-viewers.js';

describe('ConversationViewers', () => {
  it('follows, unfollows and forgets a closed connection everywhere, leaving no empty sets', () => {
    const viewers = new ConversationViewers<{ id: string }>();
    const a = { id: 'a' };
    const b = { id: 'b' };
    viewers.follow(a, 'c1');
    viewers.follow(a, 'c2');
    viewers.follow(b, 'c1');
    expect([...viewers.of('c1')]).toEqual([a, b]);
    expect([...viewers.of('c2')]).toEqual([a]);
    viewers.unfollow(b, 'c1');
    expect([...viewers.of('c1')]).toEqual([a]);
    viewers.unfollow(b, 'c1');
    viewers.drop(a);
    expect(viewers.of('c1').size).toBe(0);
    expect(viewers.of('c2').size).toBe(0);
    expect(viewers.size).toBe(0);
    viewers.drop(a);
    expect(viewers.size).toBe(0);
  });
});
