import { describe, expect, it } from 'vitest';
import { reactionLabel } from './reaction-label';

const words = {
  you: 'You',
  separator: ', ',
  more: (names: string, count: number) => (names ? `${names} and ${count} more` : `${count} people`),
};
const names = new Map([
  ['a', 'Ann'],
  ['b', 'Bob'],
]);

describe('reactionLabel', () => {
  it('names who reacted, me as "You"', () => {
    expect(reactionLabel({ userIds: ['a', 'me'], count: 2 }, 'me', names, words)).toBe('Ann, You');
  });

  it('adds "and N more" when the count is above the listed ids, and counts unknown ids among them', () => {
    expect(reactionLabel({ userIds: ['a', 'b'], count: 25 }, 'me', names, words)).toBe('Ann, Bob and 23 more');
    expect(reactionLabel({ userIds: ['a', 'gone'], count: 2 }, 'me', names, words)).toBe('Ann and 1 more');
    expect(reactionLabel({ userIds: [], count: 3 }, 'me', names, words)).toBe('3 people');
  });
});
