import { describe, expect, it } from 'vitest';
import { resolveMentions } from './mentions.js';

const members = [
  { userId: 'ann', name: 'Ann' },
  { userId: 'anna', name: 'Anna Lee' },
  { userId: 'zw', name: '张伟' },
  { userId: 'bob', name: 'Bob' },
];
const group = { group: true, mayMentionAll: true };

describe('resolveMentions', () => {
  it('finds members by name, case-insensitively, the longest name winning', () => {
    expect(resolveMentions('hi @ann and @Anna Lee!', members, group).mentions).toEqual(['ann', 'anna']);
    expect(resolveMentions('@BOB, look', members, group).mentions).toEqual(['bob']);
  });

  it('needs a boundary after a spaced name, but not after a Chinese one', () => {
    expect(resolveMentions('@Annabel says hi', members, group).mentions).toEqual([]);
    expect(resolveMentions('@张伟你好', members, group).mentions).toEqual(['zw']);
    expect(resolveMentions('请@张伟 看一下', members, group).mentions).toEqual(['zw']);
  });

  it('ignores emails and repeats', () => {
    expect(resolveMentions('write to x@bob.com', members, group).mentions).toEqual([]);
    expect(resolveMentions('@Bob @bob @BOB', members, group).mentions).toEqual(['bob']);
    expect(resolveMentions('no at sign', members, group)).toEqual({ mentions: [], groupMention: null });
  });

  it('@all and @here only in groups and only when allowed; @all wins over @here', () => {
    expect(resolveMentions('@here and @all', members, group).groupMention).toBe('all');
    expect(resolveMentions('@here: lunch', members, group).groupMention).toBe('here');
    expect(resolveMentions('@all', members, { group: true, mayMentionAll: false }).groupMention).toBeNull();
    expect(resolveMentions('@all', members, { group: false, mayMentionAll: true }).groupMention).toBeNull();
    expect(resolveMentions('@allison', members, group).groupMention).toBeNull();
  });
});
