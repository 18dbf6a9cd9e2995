import { describe, expect, it } from 'vitest';
import { insertMention, MAX_QUERY, mentionQueryAt } from './composer-mention';

describe('mentionQueryAt', () => {
  it('finds the @query at the caret after the start or whitespace', () => {
    expect(mentionQueryAt('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQueryAt('hi @An', 6)).toEqual({ start: 3, query: 'An' });
    expect(mentionQueryAt('hi @Ann Le', 10)).toEqual({ start: 3, query: 'Ann Le' });
    expect(mentionQueryAt('@张', 2)).toEqual({ start: 0, query: '张' });
  });

  it('is null in an email, after a newline, after "@ " and past the query limit', () => {
    expect(mentionQueryAt('ann@exa', 7)).toBeNull();
    expect(mentionQueryAt('@ann\nx', 6)).toBeNull();
    expect(mentionQueryAt('@ x', 3)).toBeNull();
    expect(mentionQueryAt('@a  b', 5)).toBeNull();
    expect(mentionQueryAt(`@${'a'.repeat(MAX_QUERY + 1)}`, MAX_QUERY + 2)).toBeNull();
    expect(mentionQueryAt('no mention', 10)).toBeNull();
  });

  it('looks only before the caret', () => {
    expect(mentionQueryAt('x @Ann y', 2)).toBeNull();
  });
});

describe('insertMention', () => {
  it('replaces the query with "@Name " and puts the caret after it', () => {
    expect(insertMention('hi @an', 6, { start: 3, query: 'an' }, 'Ann Lee')).toEqual({ text: 'hi @Ann Lee ', caret: 12 });
    expect(insertMention('@a rest', 2, { start: 0, query: 'a' }, '张三')).toEqual({ text: '@张三 rest', caret: 4 });
  });
});
