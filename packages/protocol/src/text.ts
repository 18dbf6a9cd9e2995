/**
 * The input refinements every schema shares, so a value that passes validation is one both
 * databases store exactly as sent and the server can serialise without risk.
 * Invariants: a `safeText()` string holds no NUL (U+0000, which PostgreSQL refuses in text) and no
 * unpaired UTF-16 surrogate (U+D800–U+DFFF alone, which UTF-8 cannot encode: each database would
 * store U+FFFD instead, so the live copy and the stored copy would differ) — refused, never
 * rewritten, identically on SQLite and PostgreSQL. A `boundedJson()` value is at most
 * JSON_MAX_DEPTH arrays/objects deep and JSON_MAX_BYTES long as JSON, so JSON.stringify (recursive
 * in V8: ~5,000 levels overflow the stack) can never throw on it; the bound itself is checked
 * without recursion.
 */
import { z } from 'zod';
import { LONE_SURROGATE, NUL } from './safe-text.js';

/** How deep arrays and objects may nest in an "any JSON" field (a top-level object or array is depth 1). */
export const JSON_MAX_DEPTH = 32;
/** The longest "any JSON" field, in bytes of its UTF-8 JSON text. */
export const JSON_MAX_BYTES = 64 * 1024;

export const NUL_MESSAGE = 'must not contain NUL (U+0000)';
export const LONE_SURROGATE_MESSAGE = 'must not contain an unpaired surrogate (U+D800–U+DFFF)';

/**
 * A string both databases store as sent: `z.string()` refusing NUL and unpaired surrogates. Chain
 * the usual checks after it (`safeText().trim().min(1).max(80)`): it stays a ZodString.
 */
export function safeText() {
  return z
    .string()
    .refine((text) => !NUL.test(text), NUL_MESSAGE)
    .refine((text) => !LONE_SURROGATE.test(text), LONE_SURROGATE_MESSAGE);
}

/** Why `value` (as JSON.parse made it) breaks the bounds, or undefined when it keeps them. Iterative: any depth is safe. */
export function jsonBoundsProblem(value: unknown, maxDepth = JSON_MAX_DEPTH, maxBytes = JSON_MAX_BYTES): string | undefined {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= maxDepth) return `nests deeper than ${maxDepth} levels`;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  // Shallow enough now that serialising cannot overflow the stack.
  const text = JSON.stringify(value) ?? '';
  if (text.length > maxBytes || utf8Length(text) > maxBytes) return `is longer than ${maxBytes} bytes as JSON`;
  return undefined;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** `schema` (default: any JSON) refused with a named issue when its value breaks the depth or size bound. */
export function boundedJson<T extends z.ZodType = z.ZodUnknown>(schema?: T): T {
  const base = (schema ?? z.unknown()) as T;
  return base.superRefine((value, ctx) => {
    const problem = jsonBoundsProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  }) as T;
}
