/**
 * Shapes: a compact, zod-free description of a schema's structure, and the checker that runs it.
 * The protocol's zod schemas stay the one source of truth; `frame-shapes.generated.ts` is written
 * from them by `shape-from-zod.ts` (a test fails when it is stale), so a browser client can check
 * every frame's structure in a few hundred bytes instead of shipping zod.
 * What a shape checks: types, required and optional keys, null, literals and enums, integers and
 * number bounds, string and array lengths, nested objects, arrays, records and unions; it fills
 * defaults and drops unknown keys, as zod does. What it does not: custom refinements and regular
 * expressions (safe text, emoji, id formats), which the server checks on every frame it accepts.
 * Invariants: `checkShape` never throws on any JSON value and never mutates its input.
 *
 * Encoding (kept terse because it ships to browsers):
 *   's' | 'n' | 'i' | 'b' | 'u'      string, number, integer, boolean, anything
 *   ['s', min?, max?]                 a string of min..max code points (null = no bound)
 *   ['n', int, min?, max?, exclusive?] a number (int: 1), bounds inclusive unless exclusive has 'l' (min) / 'h' (max)
 *   ['o', { key: shape }, keep?]      an object; unknown keys are dropped unless keep is 1
 *   ['a', shape, min?, max?]          an array
 *   ['?', shape] / ['~', shape]       optional / nullable
 *   ['d', shape, value]               `value` (JSON) when undefined
 *   ['e', ...values]                  one of these literals
 *   ['r', shape]                      a record of string keys
 *   ['U', ...shapes]                  the first shape that fits
 *   ['D', key, { value: shape }]      discriminated on `key`
 *   ['F', type, data]                 a frame: ENVELOPE's fields (id, timestamp, sender) and `action`
 *                                     (its union's key says which), `type` and `data`
 */
import { ENVELOPE } from './frame-shapes.generated.js';

export type Shape = string | readonly unknown[];

export interface ShapeIssue {
  path: string;
  message: string;
}

/** The value as the shape makes it (defaults filled, unknown keys dropped), or issues (at most 10). */
export type ShapeResult = { ok: true; value: unknown } | { ok: false; issues: ShapeIssue[] };

const FAIL: unique symbol = Symbol('fail');
type Checked = unknown | typeof FAIL;

export function checkShape(shape: Shape, value: unknown): ShapeResult {
  const issues: ShapeIssue[] = [];
  const out = check(shape, value, '', issues);
  return out === FAIL ? { ok: false, issues: issues.slice(0, 10) } : { ok: true, value: out };
}

/** Each ['F', type, data] as the object shape it stands for, built once (every received frame is one). */
const frames = new WeakMap<readonly unknown[], Shape>();
function frameObject(shape: readonly unknown[]): Shape {
  let object = frames.get(shape);
  if (!object) {
    object = ['o', { ...(ENVELOPE[1] as object), type: shape[1], action: 's', data: shape[2] }];
    frames.set(shape, object);
  }
  return object;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function check(shape: Shape, v: unknown, path: string, issues: ShapeIssue[]): Checked {
  const fail = (message: string): typeof FAIL => {
    issues.push({ path, message });
    return FAIL;
  };
  const [tag, a, b, c, d] = typeof shape === 'string' ? [shape] : (shape as unknown[]);
  switch (tag) {
    case 'u':
      // As zod: an `unknown` key must be present (null will do).
      return v === undefined ? fail('required') : v;
    case 's':
    case 'b':
      if (typeof v !== (tag === 's' ? 'string' : 'boolean')) return fail(`expected ${tag === 's' ? 'string' : 'boolean'}`);
      if (tag === 's' && (a != null || b != null)) {
        // Counted in code points, as zod counts.
        const length = [...(v as string)].length;
        if (length < ((a as number) ?? 0) || length > ((b as number) ?? length)) return fail(`length must be ${a ?? 0}..${b ?? '∞'}`);
      }
      return v;
    case 'n':
    case 'i': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return fail('expected number');
      if ((tag === 'i' || a) && !Number.isSafeInteger(v)) return fail('expected integer');
      const low = `${d ?? ''}`.includes('l');
      const high = `${d ?? ''}`.includes('h');
      if (b != null && (low ? v <= (b as number) : v < (b as number))) return fail(`must be ${low ? '>' : '≥'} ${b}`);
      if (c != null && (high ? v >= (c as number) : v > (c as number))) return fail(`must be ${high ? '<' : '≤'} ${c}`);
      return v;
    }
    case 'o': {
      if (!isObject(v)) return fail('expected object');
      const out: Record<string, unknown> = b ? { ...v } : {};
      let ok = true;
      for (const [key, inner] of Object.entries(a as Record<string, Shape>)) {
        const r = check(inner, v[key], path ? `${path}.${key}` : key, issues);
        if (r === FAIL) ok = false;
        else if (r !== undefined) out[key] = r;
      }
      return ok ? out : FAIL;
    }
    case 'a': {
      if (!Array.isArray(v)) return fail('expected array');
      if ((b != null && v.length < (b as number)) || (c != null && v.length > (c as number)))
        return fail(`must hold ${b ?? 0}..${c ?? '∞'} items`);
      const out = v.map((item, i) => check(a as Shape, item, `${path}.${i}`, issues));
      return out.includes(FAIL) ? FAIL : out;
    }
    case '?':
      return v === undefined ? v : check(a as Shape, v, path, issues);
    case '~':
      return v === null ? v : check(a as Shape, v, path, issues);
    case 'd':
      return check(a as Shape, v === undefined ? structuredClone(b) : v, path, issues);
    case 'e':
      return (shape as unknown[]).indexOf(v, 1) > 0 ? v : fail(`expected one of ${JSON.stringify((shape as unknown[]).slice(1))}`);
    case 'r': {
      if (!isObject(v)) return fail('expected object');
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(v)) {
        const r = check(a as Shape, item, `${path}.${key}`, issues);
        if (r === FAIL) return FAIL;
        out[key] = r;
      }
      return out;
    }
    case 'U': {
      for (const option of (shape as Shape[]).slice(1)) {
        const r = check(option, v, path, []);
        if (r !== FAIL) return r;
      }
      return fail('matches no option');
    }
    case 'F':
      return check(frameObject(shape as readonly unknown[]), v, path, issues);
    case 'D': {
      const option = isObject(v) ? (b as Record<string, Shape>)[String(v[a as string])] : undefined;
      if (!option || !Object.hasOwn(b as object, String((v as Record<string, unknown>)[a as string]))) {
        issues.push({ path: path ? `${path}.${a}` : String(a), message: 'unknown discriminator' });
        return FAIL;
      }
      return check(option, v, path, issues);
    }
    default:
      return fail(`unknown shape ${String(tag)}`);
  }
}
