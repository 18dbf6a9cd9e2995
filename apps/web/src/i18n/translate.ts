/**
 * Language choice and lookup, framework-free: pick a language from a saved choice or the browser's,
 * and fill `{placeholders}` in a dictionary string.
 */
import { type Dictionary, en, type MessageKey } from './en';
import { zh } from './zh';

export type Language = 'en' | 'zh';
export const LANGUAGES: readonly Language[] = ['en', 'zh'];
export const DICTIONARIES: Record<Language, Dictionary> = { en, zh };
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

/** Look a key up and replace each `{name}` with `params.name` (unknown placeholders stay as written). */
export function translate(dictionary: Dictionary, key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionary[key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;
