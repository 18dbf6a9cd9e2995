import { describe, expect, it } from 'vitest';
import { relativeTime } from './relative-time';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('relativeTime', () => {
  it('says now under a minute, then the largest whole unit', () => {
    expect(relativeTime(NOW - 20_000, NOW, 'en')).toBe('now');
    expect(relativeTime(NOW - 5 * 60_000, NOW, 'en')).toBe('5 minutes ago');
    expect(relativeTime(NOW - 119 * 60_000, NOW, 'en')).toBe('1 hour ago');
    expect(relativeTime(NOW - 26 * 3_600_000, NOW, 'en')).toBe('yesterday');
    expect(relativeTime(NOW - 10 * 86_400_000, NOW, 'en')).toBe('last week');
  });

  it('speaks the locale', () => {
    expect(relativeTime(NOW - 5 * 60_000, NOW, 'zh-CN')).toBe('5分钟前');
    expect(relativeTime(NOW, NOW, 'zh-CN')).toBe('现在');
  });
});
