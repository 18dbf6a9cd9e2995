import { describe, expect, it } from 'vitest';
import { mentionSuggestions } from './mention-suggestions.js';

const members = [
  { userId: 'a', name: 'Ann Smith' },
  { userId: 'b', name: 'Bob' },
  { userId: 'c', name: 'Jo Ann' },
  { userId: 'd', name: 'Joanna' },
  { userId: 'z', name: '张伟' },
  { userId: 'me', name: 'Annie' },
];

describe('mentionSuggestions', () => {
  it('ranks prefix, then word start, then substring; leaves out the excluded user', () => {
    expect(mentionSuggestions(members, 'ann', { exclude: 'me' }).map((s) => s.name)).toEqual(['Ann Smith', 'Jo Ann', 'Joanna']);
  });

  it('matches Chinese names and is case-insensitive', () => {
    expect(mentionSuggestions(members, '张').map((s) => s.userId)).toEqual(['z']);
    expect(mentionSuggestions(members, 'BOB').map((s) => s.userId)).toEqual(['b']);
  });

  it('offers @all and @here only when asked, after a member of the same rank', () => {
    expect(mentionSuggestions(members, 'al').map((s) => s.name)).toEqual([]);
    const withGroup = mentionSuggestions(members, 'a', { groupMentions: true });
    expect(withGroup.map((s) => s.name)).toEqual(['Ann Smith', 'Annie', 'all', 'Jo Ann', 'Joanna']);
    expect(withGroup.find((s) => s.kind === 'all')?.userId).toBeNull();
  });

  it('an empty query offers everyone up to the limit', () => {
    expect(mentionSuggestions(members, '', { limit: 3 })).toHaveLength(3);
  });
});
