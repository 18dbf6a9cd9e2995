/**
 * Language choice and lookup, framework-free: pick a language from a saved choice or the browser's,
 * choose a plural form with the language's `Intl.PluralRules`, and fill `{placeholders}` in a
 * dictionary string. It holds no dictionary: they load on demand (`dictionaries.ts`), and every one
 * has every key (the type checker enforces it), so a lookup needs only the dictionary it is given.
 */
import type { Dictionary, MessageKey } from './en';

export type Language = 'en' | 'zh';
export const LANGUAGES: readonly Language[] = ['en', 'zh'];
/** Each language's name in itself, for the switch. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', zh: '中文' };

/** A saved choice wins; otherwise Chinese for any `zh*` browser language, else English. */
export function detectLanguage(saved: string | null, browserLanguages: readonly string[]): Language {
  if (saved === 'en' || saved === 'zh') return saved;
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (primary === 'zh') return 'zh';
    if (primary === 'en') return 'en';
  }
  return 'en';
}

/** The stem of a message with plural forms: `admin.nodes` for `admin.nodes_one` and `admin.nodes_other`. */
export type PluralKey = MessageKey extends infer K ? (K extends `${infer Stem}_other` ? Stem : never) : never;
/** What `t` takes: a message key, or a plural stem (with a numeric `count` param). */
export type TranslationKey = MessageKey | PluralKey;
export type TranslationParams = Record<string, string | number>;

const PLURAL_RULES: Record<Language, Intl.PluralRules> = { en: new Intl.PluralRules('en'), zh: new Intl.PluralRules('zh') };

/**
 * Look a key up and replace each `{name}` with `params.name` (unknown placeholders stay as written).
 * A plural stem takes the form `language`'s rules give for `params.count` (`other` without a count,
 * or when the dictionary has no key for that category).
 */
export function translate(dictionary: Dictionary, key: TranslationKey, params?: TranslationParams, language: Language = 'en'): string {
  const found = messageKey(dictionary, key, params?.count, language);
  const text = dictionary[found];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

function messageKey(dictionary: Dictionary, key: TranslationKey, count: string | number | undefined, language: Language): MessageKey {
  if (key in dictionary) return key as MessageKey;
  const form = `${key}_${typeof count === 'number' ? PLURAL_RULES[language].select(count) : 'other'}`;
  return (form in dictionary ? form : `${key}_other`) as MessageKey;
}

export type Translate = (key: TranslationKey, params?: TranslationParams) => string;
