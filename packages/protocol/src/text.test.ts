/**
 * safeText and boundedJson on their own: which strings pass (any well-formed text but NUL), where the
 * depth and size bounds fall, and that a value of any depth is judged without a stack overflow.
 */
import { describe, expect, it } from 'vitest';
import { boundedJson, JSON_MAX_BYTES, JSON_MAX_DEPTH, jsonBoundsProblem, LONE_SURROGATE_MESSAGE, NUL_MESSAGE, safeText } from './text.js';

const messages = (value: unknown) => {
  const result = safeText().safeParse(value);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
};

/** `levels` arrays nested, built without recursion. */
function nested(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

describe('safeText', () => {
  it('passes well-formed text: emoji (pairs, ZWJ, flags), CJK, right-to-left, combining marks, other control characters', () => {
    for (const text of ['', 'plain', '👩🏽‍💻 🇯🇵 😀', '你好，世界', 'שלום مرحبا \u200f', 'e\u0301', 'tab\tbell\u0007', '\uFFFD']) {
      expect(messages(text)).toEqual([]);
    }
  });

  it('refuses NUL and every unpaired surrogate (high alone, low alone, a pair written backwards), naming which', () => {
    expect(messages('a\u0000b')).toEqual([NUL_MESSAGE]);
    expect(messages('\uD83D')).toEqual([LONE_SURROGATE_MESSAGE]);
    expect(messages('x\uDE00')).toEqual([LONE_SURROGATE_MESSAGE]);
    expect(messages('\uDE00\uD83D')).toEqual([LONE_SURROGATE_MESSAGE]);
    expect(messages('\u0000\uD800')).toEqual([NUL_MESSAGE, LONE_SURROGATE_MESSAGE]);
  });

  it('stays a string schema: checks chained after it still apply', () => {
    expect(safeText().trim().min(1).safeParse('  ').success).toBe(false);
    expect(safeText().max(2).safeParse('abc').success).toBe(false);
    expect(safeText().trim().parse('  ok ')).toBe('ok');
  });
});

describe('boundedJson', () => {
  it(`allows ${JSON_MAX_DEPTH} levels of arrays or objects and refuses one more`, () => {
    expect(jsonBoundsProblem(nested(JSON_MAX_DEPTH))).toBeUndefined();
    expect(jsonBoundsProblem(nested(JSON_MAX_DEPTH + 1))).toMatch(/deeper than 32/);
    expect(jsonBoundsProblem({ a: { b: [{ c: null }] } })).toBeUndefined();
    expect(jsonBoundsProblem(null)).toBeUndefined();
    expect(jsonBoundsProblem('text')).toBeUndefined();
  });

  it('judges 200,000 levels without overflowing the stack (JSON.stringify would)', () => {
    const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(jsonBoundsProblem(deep)).toMatch(/deeper/);
  });

  it(`refuses more than ${JSON_MAX_BYTES} bytes of UTF-8 JSON, counting multi-byte characters`, () => {
    const room = JSON_MAX_BYTES - 2; // the quotes
    expect(jsonBoundsProblem('x'.repeat(room))).toBeUndefined();
    expect(jsonBoundsProblem('x'.repeat(room + 1))).toMatch(/longer than/);
    expect(jsonBoundsProblem('é'.repeat(room / 2))).toBeUndefined();
    expect(jsonBoundsProblem('é'.repeat(room / 2 + 1))).toMatch(/longer than/);
    expect(jsonBoundsProblem('😀'.repeat(Math.floor(room / 4) + 1))).toMatch(/longer than/);
  });

  it('as a schema: a value too deep fails validation with the reason', () => {
    const result = boundedJson().safeParse(nested(40));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/deeper/);
  });
});
