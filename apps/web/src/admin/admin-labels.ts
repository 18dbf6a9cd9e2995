/**
 * How the admin page prints figures and codes: numbers through Intl.NumberFormat in the page's
 * language (never a raw float such as 2.002002002), and server codes (roles, device types, audit
 * actions) as words of that language, the code itself only when no word is known (a newer server).
 */
import { en, type MessageKey } from '../i18n/en';
import type { Translate } from '../i18n/translate';

/** A number as the page's language writes it, with at most `fractionDigits` decimals (thousands grouped). */
export function formatNumber(locale: string, value: number, fractionDigits = 1): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: fractionDigits }).format(value);
}

/** `code` (a role, a device type, an audit action) in words: the text of key `prefix` + `code`, or the code itself. */
export function codeWord(t: Translate, prefix: string, code: string): string {
  const key = `${prefix}${code}`;
  return key in en ? t(key as MessageKey) : code;
}
