import { describe, expect, it } from 'vitest';
import { normalizeRanges, snippetParts } from './snippet-parts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const joined = (parts: { text: string }[]) => parts.map((part) => part.text).join('');
const marked = (parts: { text: string; highlight: boolean }[]) => parts.filter((part) => part.highlight).map((part) => part.text);

describe('snippetParts', () => {
  it('cuts the text into plain and highlighted runs', () => {
    const parts = snippetParts('the quarterly report draft', [{ start: 14, end: 20 }]);
    expect(parts).toEqual([
      { text: 'the quarterly ', highlight: false },
      { text: 'report', highlight: true },
      { text: ' draft', highlight: false },
    ]);
  });

  it('gives the whole text as one plain run without ranges, and nothing for an empty text', () => {
    expect(snippetParts('hello', [])).toEqual([{ text: 'hello', highlight: false }]);
    expect(snippetParts('', [{ start: 0, end: 3 }])).toEqual([]);
  });

  it('sorts ranges that arrive out of order', () => {
    const parts = snippetParts('alpha beta gamma', [
      { start: 11, end: 16 },
      { start: 0, end: 5 },
    ]);
    expect(marked(parts)).toEqual(['alpha', 'gamma']);
    expect(joined(parts)).toBe('alpha beta gamma');
  });

  it('merges overlapping, nested, touching and repeated ranges', () => {
    expect(
      normalizeRanges('abcdefghij', [
        { start: 2, end: 5 },
        { start: 4, end: 7 },
        { start: 5, end: 6 },
        { start: 7, end: 8 },
        { start: 2, end: 5 },
      ]),
    ).toEqual([{ start: 2, end: 8 }]);
    expect(
      marked(
        snippetParts('abcdefghij', [
          { start: 1, end: 3 },
          { start: 2, end: 4 },
        ]),
      ),
    ).toEqual(['bcd']);
  });

  it('clamps ranges past either end and drops empty, reversed and non-numeric ones', () => {
    const text = '我们明天去北京开会';
    expect(
      normalizeRanges(text, [
        { start: -4, end: 2 },
        { start: 7, end: 99 },
        { start: 5, end: 5 },
        { start: 6, end: 3 },
        { start: Number.NaN, end: 4 },
        { start: 50, end: 60 },
      ]),
    ).toEqual([
      { start: 0, end: 2 },
      { start: 7, end: 9 },
    ]);
    const parts = snippetParts(text, [{ start: 5, end: 7 }]);
    expect(marked(parts)).toEqual(['北京']);
    expect(joined(parts)).toBe(text);
  });

  it('never splits a surrogate pair: an edge inside one takes the whole character', () => {
    const text = 'a😀b𠀋c'; // 😀 and 𠀋 are two UTF-16 units each: a=0, 😀=1..3, b=3, 𠀋=4..6, c=6
    expect(marked(snippetParts(text, [{ start: 2, end: 3 }]))).toEqual(['😀']);
    expect(marked(snippetParts(text, [{ start: 3, end: 5 }]))).toEqual(['b𠀋']);
    expect(marked(snippetParts(text, [{ start: 1, end: 3 }]))).toEqual(['😀']);
    for (let start = 0; start < text.length; start++) {
      for (let end = start + 1; end <= text.length; end++) {
        const parts = snippetParts(text, [{ start, end }]);
        expect(joined(parts)).toBe(text);
        // Every run is whole characters: no lone surrogate at either edge.
        for (const part of parts) expect(part.text).not.toMatch(LONE_SURROGATE);
      }
    }
  });

  it('returns no empty parts', () => {
    const parts = snippetParts('report', [{ start: 0, end: 6 }]);
    expect(parts).toEqual([{ text: 'report', highlight: true }]);
  });
});
