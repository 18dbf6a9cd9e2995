/**
 * Valid values from the protocol's own zod schemas, as fast-check arbitraries: the fuzzer's
 * templates are generated from `@herald/protocol` (every client frame of `ClientFrameSchema`), never
 * from a hand-written copy, so a new action or field is fuzzed as soon as the schema has it.
 * Invariants: strings, numbers and arrays respect the schema's own length and range checks (read
 * from the zod definition); a field named in `hints` takes the hint's arbitrary instead (real ids
 * of this run: conversations, messages, users, the access token), so valid frames reach the
 * handlers' deep paths (membership, storage) rather than stopping at `not_found`. Only the zod
 * kinds the client frames use are known; another kind throws, so a schema change is noticed.
 */
import fc from 'fast-check';

/** @typedef {{ _zod: { def: any } }} ZodLike */
/** @typedef {Record<string, fc.Arbitrary<unknown>>} Hints */

/** Length bounds of a string or array schema, from its checks. @param {ZodLike} schema */
function lengthBounds(schema) {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def;
    if (def.check === 'min_length') min = Math.max(min, def.minimum);
    if (def.check === 'max_length') max = Math.min(max, def.maximum);
    if (def.check === 'length_equals') min = max = def.length;
  }
  return { min, max };
}

/** Range of a number schema, from its checks. @param {ZodLike} schema */
function numberBounds(schema) {
  let min = -(2 ** 31);
  let max = 2 ** 31;
  let int = false;
  for (const check of schema._zod.def.checks ?? []) {
    const def = check._zod.def;
    if (def.check === 'number_format') int = true;
    if (def.check === 'greater_than') min = Math.max(min, def.inclusive ? def.value : def.value + 1);
    if (def.check === 'less_than') max = Math.min(max, def.inclusive ? def.value : def.value - 1);
  }
  return { min, max, int };
}

/** Mostly short text (a page of history must stay small), sometimes up to the limit. @param {number} min @param {number} max */
function text(min, max) {
  const short = Math.min(max, Math.max(min, 24));
  const plain = fc.string({ minLength: min, maxLength: short });
  const graphemes = fc.string({ unit: 'grapheme', minLength: min, maxLength: short });
  if (max <= short) return fc.oneof({ arbitrary: plain, weight: 2 }, { arbitrary: graphemes, weight: 1 });
  const longer = fc.string({ minLength: Math.max(min, short), maxLength: Math.min(max, 4000) });
  return fc.oneof({ arbitrary: plain, weight: 6 }, { arbitrary: graphemes, weight: 3 }, { arbitrary: longer, weight: 1 });
}

/**
 * An arbitrary of values the schema accepts (within the kinds client frames use).
 * @param {ZodLike} schema
 * @param {Hints} hints by field name
 * @returns {fc.Arbitrary<unknown>}
 */
export function arbitraryOf(schema, hints = {}) {
  const def = schema._zod.def;
  switch (def.type) {
    case 'object': {
      /** @type {Record<string, fc.Arbitrary<unknown>>} */
      const model = {};
      /** @type {string[]} */
      const required = [];
      for (const [key, field] of Object.entries(/** @type {Record<string, ZodLike>} */ (def.shape))) {
        model[key] = hints[key] ?? arbitraryOf(field, hints);
        const kind = field._zod.def.type;
        if (kind !== 'optional' && kind !== 'default') required.push(key);
      }
      return fc.record(model, { requiredKeys: required });
    }
    case 'optional':
    case 'default':
      return arbitraryOf(def.innerType, hints);
    case 'nullable':
      return fc.option(arbitraryOf(def.innerType, hints), { nil: null });
    case 'string': {
      const { min, max } = lengthBounds(schema);
      return text(min, max);
    }
    case 'number': {
      const { min, max, int } = numberBounds(schema);
      return int ? fc.integer({ min, max }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
    }
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries));
    case 'literal':
      return fc.constantFrom(...def.values);
    case 'array': {
      const { min, max } = lengthBounds(schema);
      return fc.array(arbitraryOf(def.element, hints), { minLength: min, maxLength: Math.min(max, Math.max(min, 4)) });
    }
    case 'unknown':
    case 'any':
      return fc.jsonValue({ maxDepth: 3 });
    case 'union':
      return fc.oneof(...def.options.map((/** @type {ZodLike} */ option) => arbitraryOf(option, hints)));
    case 'pipe':
      return arbitraryOf(def.in, hints);
    default:
      throw new Error(`schema-arb: zod kind "${def.type}" is not known; teach arbitraryOf about it`);
  }
}
