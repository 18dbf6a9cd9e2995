import type { Conversation } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { filterConversations } from './quick-switcher-filter';

function conversation(id: string, kind: 'direct' | 'group', title: string | null, names: string[]): Conversation {
  return {
    id,
    kind,
    title,
    members: [{ userId: 'me', name: 'Me' }, ...names.map((name, i) => ({ userId: `${id}-${i}`, name }))],
  } as unknown as Conversation;
}

const list = [
  conversation('c1', 'direct', null, ['Bob Stone']),
  conversation('c2', 'group', 'Design crew', ['Zoë Park', 'Bob Stone']),
  conversation('c3', 'group', '北京项目', ['张伟']),
  conversation('c4', 'group', 'Bobsled fans', ['Ann']),
];
const ids = (query: string) => filterConversations(list, 'me', query).map((item) => item.conversation.id);

describe('filterConversations', () => {
  it('lists everything in order for an empty query', () => {
    expect(ids('')).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(ids('   ')).toEqual(['c1', 'c2', 'c3', 'c4']);
  });

  it('matches word starts in titles first, then member names', () => {
    expect(ids('bob')).toEqual(['c1', 'c4', 'c2']);
    expect(ids('stone')).toEqual(['c1', 'c2']);
    expect(ids('crew des')).toEqual(['c2']);
    expect(ids('ob')).toEqual([]);
  });

  it('ignores case and accents, and matches CJK anywhere', () => {
    expect(ids('ZOE')).toEqual(['c2']);
    expect(ids('项目')).toEqual(['c3']);
    expect(ids('伟')).toEqual(['c3']);
  });

  it('gives titles and member names for display, and honours the limit', () => {
    const [first] = filterConversations(list, 'me', 'design');
    expect(first?.title).toBe('Design crew');
    expect(first?.members).toBe('Zoë Park, Bob Stone');
    expect(filterConversations(list, 'me', '', 2)).toHaveLength(2);
  });
});
