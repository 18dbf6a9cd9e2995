import { describe, expect, it } from 'vitest';
import { en as english } from '../i18n/en';
import { LANGUAGES, translate } from '../i18n/translate';
import { zh } from '../i18n/zh';
import { connectionStatusLabels } from './connection-status-labels';

const labelsIn = (language: (typeof LANGUAGES)[number]) =>
  connectionStatusLabels((key, params) => translate({ en: english, zh }[language], key, params, language));

describe('connectionStatusLabels', () => {
  it('says "offline — retrying every N s · Retry now" past the attempt limit, in every language', () => {
    const en = labelsIn('en');
    expect(en.retryingEvery(30)).toBe('Offline — retrying every 30 s');
    expect(en.retryNow).toBe('Retry now');
    expect(en.reconnecting(3, 15)).toBe('Reconnecting (3/15)…');
    const zh = labelsIn('zh');
    expect(zh.retryingEvery(30)).toBe('离线 — 每 30 秒重试一次');
    expect(zh.retryNow).toBe('立即重试');
    expect(zh.reconnecting(3, 15)).toBe('正在重新连接（3/15）…');
  });

  it('fills every placeholder of every label', () => {
    for (const language of LANGUAGES) {
      const labels = labelsIn(language);
      const texts = Object.values(labels).map((label) => (typeof label === 'function' ? label(7, 15) : label));
      for (const text of texts) {
        expect(text, language).not.toBe('');
        expect(text, language).not.toMatch(/[{}]|status\./);
      }
    }
  });
});
