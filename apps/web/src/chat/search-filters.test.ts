import type { Conversation } from '@herald/protocol';
import { describe, expect, it } from 'vitest';
import { dayStart, type SearchFilters, searchQueryOf, senderOptions } from './search-filters';

const none: SearchFilters = { text: '', conversationId: null, senderId: null, fromDate: '', toDate: '' };

describe('searchQueryOf', () => {
  it('needs at least two characters, counted as characters', () => {
    expect(searchQueryOf({ ...none, text: ' a ' })).toBeNull();
    expect(searchQueryOf({ ...none, text: '😀' })).toBeNull(); // one character, two UTF-16 units
    expect(searchQueryOf({ ...none, text: '北京' })).toEqual({ query: '北京' });
    expect(searchQueryOf({ ...none, text: '  report ' })).toEqual({ query: 'report' });
  });

  it('adds only the filters that are set', () => {
    expect(searchQueryOf({ ...none, text: 'report', conversationId: 'c1', senderId: 'u1' })).toEqual({
      query: 'report',
      conversationId: 'c1',
      senderId: 'u1',
    });
  });

  it('reads dates as whole local days, `to` included', () => {
    const query = searchQueryOf({ ...none, text: 'report', fromDate: '2025-03-01', toDate: '2025-03-02' });
    expect(query?.from).toBe(new Date(2025, 2, 1).getTime());
    expect(query?.to).toBe(new Date(2025, 2, 3).getTime());
    expect(searchQueryOf({ ...none, text: 'report', toDate: '2025-12-31' })?.to).toBe(new Date(2026, 0, 1).getTime());
  });

  it('puts a reversed range the right way round', () => {
    const query = searchQueryOf({ ...none, text: 'report', fromDate: '2025-03-05', toDate: '2025-03-01' });
    expect(query?.from).toBe(new Date(2025, 2, 1).getTime());
    expect(query?.to).toBe(new Date(2025, 2, 6).getTime());
  });

  it('ignores blank and impossible dates', () => {
    expect(dayStart('')).toBeNull();
    expect(dayStart('2025-02-30')).toBeNull();
    expect(dayStart('03/01/2025')).toBeNull();
    expect(searchQueryOf({ ...none, text: 'report', fromDate: 'nope' })).toEqual({ query: 'report' });
  });
});

describe('senderOptions', () => {
  const member = (userId: string, name: string) => ({ userId, name, avatar: null, role: 'member' as const, lastReadSeq: 0 });
  const conversation = (id: string, members: ReturnType<typeof member>[]) => ({ id, members }) as unknown as Conversation;
  const list = [
    conversation('c1', [member('u1', 'Zoe'), member('u2', 'Ann')]),
    conversation('c2', [member('u2', 'Ann'), member('u3', 'Bo')]),
  ];

  it('offers every member once, by name', () => {
    expect(senderOptions(list, null).map((s) => s.name)).toEqual(['Ann', 'Bo', 'Zoe']);
  });

  it('offers only the searched conversation’s members', () => {
    expect(senderOptions(list, 'c2').map((s) => s.userId)).toEqual(['u2', 'u3']);
  });
});
