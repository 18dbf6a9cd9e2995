import { describe, expect, it } from 'vitest';
import { buildSnippet } from './snippet.js';

/** The highlighted substrings, for readable assertions. */
const marked = (snippet: { text: string; highlights: { start: number; end: number }[] }) =>
  snippet.highlights.map((h) => snippet.text.slice(h.start, h.end));

describe('buildSnippet', () => {
  it('keeps a short text whole and marks every occurrence of every word, case-insensitively', () => {
    const snippet = buildSnippet('Lunch at noon? LUNCH is good, lunchtime too', ['lunch', 'noon']);
    expect(snippet.text).toBe('Lunch at noon? LUNCH is good, lunchtime too');
    expect(marked(snippet)).toEqual(['Lunch', 'noon', 'LUNCH', 'lunch']);
    expect(snippet.highlights[0]).toEqual({ start: 0, end: 5 });
  });

  it('cuts a long text to a window around the first match, with ellipses counted in the ranges', () => {
    const text = `${'a'.repeat(300)} needle ${'b'.repeat(300)}`;
    const snippet = buildSnippet(text, ['NEEDLE'], 60, 10);
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.endsWith('…')).toBe(true);
    expect(snippet.text.length).toBe(62);
    expect(marked(snippet)).toEqual(['needle']);
    expect(snippet.highlights[0]?.start).toBe(1 + 10);
  });

  it('shows the end of the text without a trailing ellipsis when the match is near the end', () => {
    const text = `${'x'.repeat(200)} the end`;
    const snippet = buildSnippet(text, ['end'], 50, 10);
    expect(snippet.text.endsWith('the end')).toBe(true);
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(snippet.text.length).toBe(51);
    expect(marked(snippet)).toEqual(['end']);
  });

  it('finds Chinese words inside unspaced text', () => {
    const snippet = buildSnippet('我们明天去北京开会，北京很冷', ['北京']);
    expect(marked(snippet)).toEqual(['北京', '北京']);
    expect(snippet.highlights).toEqual([
      { start: 5, end: 7 },
      { start: 10, end: 12 },
    ]);
  });

  it('merges overlapping and touching matches of different words', () => {
    const snippet = buildSnippet('abcdef', ['abc', 'bcd', 'def']);
    expect(snippet.highlights).toEqual([{ start: 0, end: 6 }]);
  });

  it('never cuts inside a surrogate pair, and ranges fall on code point boundaries', () => {
    const emoji = '😀';
    const text = `${emoji.repeat(100)}cat${emoji.repeat(100)}`;
    for (let lead = 0; lead < 6; lead++) {
      for (const length of [20, 21, 22, 23]) {
        const snippet = buildSnippet(text, ['CAT'], length, lead);
        const body = snippet.text.replace(/^…/, '').replace(/…$/, '');
        // A lone surrogate would not survive a round trip through UTF-8.
        expect(Buffer.from(body, 'utf8').toString('utf8')).toBe(body);
        expect(marked(snippet)).toEqual(['cat']);
      }
    }
  });

  it('marks a word made of astral characters whole', () => {
    const snippet = buildSnippet('go 🎉🎉 party', ['🎉🎉']);
    expect(snippet.highlights).toEqual([{ start: 3, end: 7 }]);
  });

  it('treats regular expression characters in a word literally', () => {
    const snippet = buildSnippet('cost is $5.00 (approx.)', ['$5.00', '(approx.)']);
    expect(marked(snippet)).toEqual(['$5.00', '(approx.)']);
    expect(buildSnippet('5a00', ['5.00']).highlights).toEqual([]);
  });

  it('answers the text start without highlights when no word occurs', () => {
    const snippet = buildSnippet('z'.repeat(500), ['nothing'], 100);
    expect(snippet).toEqual({ text: `${'z'.repeat(100)}…`, highlights: [] });
  });
});
