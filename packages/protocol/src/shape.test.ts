/**
 * Shapes agree with the zod schemas they were generated from. Values are generated from each shape
 * (fast-check), then broken at a random place; for every value, zod and the shape must agree — the
 * shape accepts exactly what zod accepts, except what zod refuses for a refinement or a regular
 * expression (safe text, emoji, id formats), which shapes leave to the server (shape.ts) — and both
 * must give the same output (defaults filled, unknown keys dropped).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ClientFrameSchema, RequestResultSchemas } from './client-frames.js';
import { decodeServerFrame, validFrameId } from './codec.js';
import { FrameIdSchema } from './envelope.js';
import { CLIENT_FRAME, ENVELOPE, REQUEST_RESULTS, SERVER_FRAME } from './frame-shapes.generated.js';
import { decodeServerText } from './server-frame-decoder.js';
import { ServerFrameSchema } from './server-frames.js';
import { checkShape, type Shape } from './shape.js';

const REFINEMENT_CODES = new Set(['custom', 'invalid_format']);

/** Values that fit `shape` (as far as a shape can say). */
function arbitrary(shape: Shape, depth = 0): fc.Arbitrary<unknown> {
  const [tag, a, b, c, d] = typeof shape === 'string' ? [shape] : (shape as unknown[]);
  switch (tag) {
    case 'u':
      return fc.jsonValue({ maxDepth: 2 });
    case 's':
      return fc.string({ unit: 'binary', minLength: (a as number) ?? 0, maxLength: Math.min((b as number) ?? 12, 12) });
    case 'b':
      return fc.boolean();
    case 'i':
      return fc.integer();
    case 'n': {
      const low = (b as number | null | undefined) ?? -1e6;
      const high = (c as number | null | undefined) ?? 1e6;
      const exclusive = `${d ?? ''}`;
      const min = exclusive.includes('l') ? low + 1 : low;
      const max = exclusive.includes('h') ? high - 1 : high;
      return a ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'o': {
      const fields = Object.entries(a as Record<string, Shape>);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, inner] of fields) record[key] = arbitrary(inner, depth + 1);
      const required = fields.filter(([, inner]) => !(Array.isArray(inner) && (inner[0] === '?' || inner[0] === 'd'))).map(([k]) => k);
      return fc.record(record, { requiredKeys: required });
    }
    case 'a':
      return fc.array(arbitrary(a as Shape, depth + 1), { minLength: (b as number) ?? 0, maxLength: Math.min((c as number) ?? 3, 3) });
    case '?':
    case 'd':
      return fc.option(arbitrary(a as Shape, depth + 1), { nil: undefined });
    case '~':
      return fc.option(arbitrary(a as Shape, depth + 1), { nil: null });
    case 'e':
      return fc.constantFrom(...(shape as unknown[]).slice(1));
    case 'r':
      return fc.dictionary(fc.string({ maxLength: 4 }), arbitrary(a as Shape, depth + 1), { maxKeys: 3 });
    case 'U':
      return fc.oneof(...(shape as Shape[]).slice(1).map((option) => arbitrary(option, depth + 1)));
    case 'F':
      return arbitrary(['o', { ...(ENVELOPE[1] as object), type: a, action: 's', data: b }], depth);
    case 'D':
      // Each option with its discriminator set to its key.
      return fc.oneof(
        ...Object.entries(b as Record<string, Shape>).map(([value, option]) =>
          arbitrary(option, depth + 1).map((made) =>
            typeof made === 'object' && made !== null ? { ...made, [a as string]: value } : made,
          ),
        ),
      );
    default:
      throw new Error(`no arbitrary for ${String(tag)}`);
  }
}

const WRONG = [null, 0, -1, 1.5, '', 'x', true, [], {}, { action: 'x' }];

/** `value` with one random place broken: a key dropped, or a value replaced by one of another kind. */
function broken(value: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), fc.constantFrom(...WRONG), fc.boolean()).map(([pick, replacement, drop]) => {
    const copy = structuredClone(value);
    const places: [Record<string, unknown> | unknown[], string | number][] = [];
    const walk = (node: unknown) => {
      if (typeof node !== 'object' || node === null) return;
      for (const key of Object.keys(node)) {
        places.push([node as Record<string, unknown>, key]);
        walk((node as Record<string, unknown>)[key]);
      }
    };
    walk(copy);
    if (places.length === 0) return replacement;
    const [parent, key] = places[pick % places.length] as [Record<string, unknown>, string];
    if (drop && !Array.isArray(parent)) delete parent[key];
    else parent[key] = structuredClone(replacement);
    return copy;
  });
}

function agree(schema: z.ZodType, shape: Shape, value: unknown): void {
  const parsed = schema.safeParse(value);
  const checked = checkShape(shape, value);
  if (parsed.success) {
    expect(checked, JSON.stringify(value)).toEqual({ ok: true, value: parsed.data });
  } else if (checked.ok) {
    // Shapes may only let through what zod refuses for a refinement or a format.
    expect(
      parsed.error.issues.map((issue) => issue.code).filter((code) => !REFINEMENT_CODES.has(code)),
      JSON.stringify(value),
    ).toEqual([]);
  }
}

const cases: [string, z.ZodType, Shape][] = [
  ['server frames', ServerFrameSchema, SERVER_FRAME],
  ['client frames', ClientFrameSchema, CLIENT_FRAME],
  ...Object.entries(RequestResultSchemas).map(
    ([action, schema]) => [`${action} result`, schema, REQUEST_RESULTS[action] as Shape] as [string, z.ZodType, Shape],
  ),
];

describe('shapes agree with the zod schemas', () => {
  it('every request action has a result shape', () => {
    expect(Object.keys(REQUEST_RESULTS).sort()).toEqual(Object.keys(RequestResultSchemas).sort());
  });

  for (const [name, schema, shape] of cases) {
    it(`${name}: values generated from the shape, whole and broken`, () => {
      let acceptedByZod = 0;
      fc.assert(
        fc.property(
          arbitrary(shape).chain((value) => fc.tuple(fc.constant(value), broken(value))),
          ([value, worse]) => {
            if (schema.safeParse(value).success) acceptedByZod++;
            agree(schema, shape, value);
            agree(schema, shape, worse);
          },
        ),
        { numRuns: 150 },
      );
      // The generator must make mostly valid values, or the comparison proves little.
      expect(acceptedByZod).toBeGreaterThan(30);
    });
  }

  it('the browser decoder and the codec decode server frames alike', () => {
    fc.assert(
      fc.property(
        arbitrary(SERVER_FRAME).chain((value) => fc.oneof(fc.constant(value), broken(value))),
        (value) => {
          const text = JSON.stringify(value);
          const light = decodeServerText(text);
          const full = decodeServerFrame(text);
          expect(light.ok).toBe(full.ok);
          if (light.ok && full.ok) expect(light.frame).toEqual(full.frame);
          if (!light.ok && !full.ok) expect(light.error.code).toBe(full.error.code);
        },
      ),
      { numRuns: 300 },
    );
    for (const text of ['not json', '[]', 'null', '{"action":1}', '{"action":"nope"}']) {
      const light = decodeServerText(text);
      const full = decodeServerFrame(text);
      expect([light.ok, !light.ok && light.error.code]).toEqual([full.ok, !full.ok && full.error.code]);
    }
  });

  it('validFrameId follows FrameIdSchema', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 70 }),
          fc.string({ unit: 'binary-ascii', maxLength: 70 }),
          fc.string({ unit: fc.constantFrom('\ud800', '\udc00', '\u0000', 'a', '😀'), maxLength: 70 }),
        ),
        (id) => {
          expect(validFrameId(id) !== undefined).toBe(FrameIdSchema.safeParse(id).success);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
