/**
 * What makes text safe to store and echo, without zod (browser clients import this): no NUL
 * (U+0000, which PostgreSQL refuses) and no unpaired UTF-16 surrogate (no UTF-8 form). `safeText()`
 * in text.ts builds its zod refinements on these, so there is one definition of the rule.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what this refuses
export const NUL = /\u0000/;
/** In `u` mode a surrogate pair reads as one astral code point, so `\p{Cs}` matches only an unpaired half. */
export const LONE_SURROGATE = /\p{Cs}/u;

export function isSafeText(text: string): boolean {
  return !NUL.test(text) && !LONE_SURROGATE.test(text);
}
