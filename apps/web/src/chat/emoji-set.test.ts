import { isReactionEmoji } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { COMMON_EMOJI, FREQUENT_EMOJI } from './emoji-set';

describe('emoji-set', () => {
  it('offers only single RGI emoji, none twice, and loses none of its candidates to the check', () => {
    const all = [...FREQUENT_EMOJI, ...COMMON_EMOJI];
    expect(FREQUENT_EMOJI).toHaveLength(6);
    expect(COMMON_EMOJI).toHaveLength(48);
    expect(new Set(all).size).toBe(all.length);
    for (const emoji of all) expect(isReactionEmoji(emoji), emoji).toBe(true);
  });
});
