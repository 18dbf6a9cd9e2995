import { describe, expect, it } from 'vitest';
import { parseSeqParam, permalinkPath } from './permalink';

describe('permalinks', () => {
  it('names the conversation and the message', () => {
    expect(permalinkPath('c-1', 42)).toBe('/chat/c-1?m=42');
    expect(permalinkPath('a/b', 7)).toBe('/chat/a%2Fb?m=7');
  });

  it('reads a positive integer seq and nothing else', () => {
    expect(parseSeqParam('42')).toBe(42);
    expect(parseSeqParam(' 7 ')).toBe(7);
    for (const bad of ['', '0', '-3', '1.5', '1e3', 'abc', '12abc', '99999999999999999', 'NaN']) expect(parseSeqParam(bad)).toBeNull();
  });
});
