import { describe, expect, it } from 'vitest';
import { en } from './en';
import { detectLanguage, translate } from './translate';
import { zh } from './zh';

const DICTIONARIES = { en, zh };

describe('detectLanguage', () => {
  it('prefers a saved choice, else the first zh/en browser language, else English', () => {
    expect(detectLanguage('zh', ['en-US'])).toBe('zh');
    expect(detectLanguage(null, ['zh-CN', 'en'])).toBe('zh');
    expect(detectLanguage(null, ['zh-TW'])).toBe('zh');
    expect(detectLanguage(null, ['fr-FR', 'en-GB', 'zh'])).toBe('en');
    expect(detectLanguage(null, ['fr-FR'])).toBe('en');
    expect(detectLanguage('bogus', [])).toBe('en');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(translate(en, 'chat.typing.one', { name: 'Alice' })).toBe('Alice is typing…');
    expect(translate(zh, 'chat.typing.two', { a: '甲', b: '乙' })).toBe('甲 和 乙 正在输入…');
    expect(translate(en, 'chat.typing.one')).toBe('{name} is typing…');
  });

  it("chooses a plural form by the language's Intl.PluralRules", () => {
    expect(translate(en, 'admin.nodes', { count: 1 })).toBe('1 node');
    expect(translate(en, 'admin.nodes', { count: 0 })).toBe('0 nodes');
    expect(translate(en, 'chat.members', { count: 3 }, 'en')).toBe('3 members');
    expect(translate(en, 'chat.newMessagesPill', { count: 1 })).toBe('1 new message ↓');
    expect(translate(zh, 'chat.members', { count: 1 }, 'zh')).toBe('1 位成员');
    expect(translate(zh, 'admin.sessions', { count: 2 }, 'zh')).toBe('2 个会话');
    expect(translate(en, 'admin.sessions')).toBe('{count} sessions'); // no count: `other`
  });

  it('has every key, non-empty, with the same placeholders in each language', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const dictionary of Object.values(DICTIONARIES)) {
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        expect(dictionary[key], key).toBeTruthy();
        expect(placeholders(dictionary[key]), key).toEqual(placeholders(en[key]));
      }
    }
  });
});
