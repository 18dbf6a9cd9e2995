/**
 * Writes shapes (shape.ts) from zod schemas: the source text of `frame-shapes.generated.ts`.
 * Runs only in tests and tooling (it needs zod); `frame-shapes.test.ts` regenerates the file and
 * fails when the committed one differs, and checks that shapes and schemas agree on frames.
 * Invariant: every zod construct the protocol uses is either translated or named in an error;
 * only refinements and regular expressions are left out, on purpose (see shape.ts).
 */
import type { z } from 'zod';

type Def = { type: string; [key: string]: unknown };
type CheckDef = { check: string; [key: string]: unknown };
type Schema = z.core.$ZodType;

const defOf = (schema: Schema): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;
const checksOf = (schema: Schema): CheckDef[] =>
  ((defOf(schema).checks as Schema[] | undefined) ?? []).map((c) => (c as unknown as { _zod: { def: CheckDef } })._zod.def);

/**
 * The shapes of `roots` as TypeScript declarations. A composite shape that occurs more than once
 * (by its text: two zod schemas alike give one shape) is hoisted into a `const`.
 */
export function shapeSource(roots: Record<string, Schema | Record<string, Schema>>, envelope?: Schema): string {
  const inline = new Map<Schema, string>();
  const textOf = (schema: Schema): string => {
    let text = inline.get(schema);
    if (text === undefined) {
      text = translate(schema, textOf, sharesEnvelope);
      inline.set(schema, text);
    }
    return text;
  };
  // The envelope's own fields (id, timestamp, sender) as text: a frame whose fields are these plus
  // type, action and data is written ['F', type, data].
  const envelopeFields = envelope ? (defOf(envelope).shape as Record<string, Schema>) : undefined;
  const sharesEnvelope = (fields: Record<string, Schema>) =>
    envelopeFields !== undefined &&
    Object.keys(fields).length === FRAME_KEYS.length &&
    FRAME_KEYS.every((key) => key in fields) &&
    Object.entries(envelopeFields).every(([key, field]) => textOf(fields[key] as Schema) === textOf(field));
  const occurrences = new Map<string, number>();
  const count = (schema: Schema) => {
    const text = textOf(schema);
    occurrences.set(text, (occurrences.get(text) ?? 0) + 1);
    for (const child of children(schema)) count(child);
  };
  for (const root of Object.values(roots)) for (const schema of rootSchemas(root)) count(schema);

  const names = new Map<string, string>();
  const consts: string[] = [];
  const emit = (schema: Schema): string => {
    const full = textOf(schema);
    const named = names.get(full);
    if (named) return named;
    const text = translate(schema, emit, sharesEnvelope);
    if ((occurrences.get(full) ?? 0) < 2 || !text.startsWith('[')) return text;
    const name = `s${names.size}`;
    names.set(full, name);
    consts.push(`const ${name}: Shape = ${text};`);
    return name;
  };
  const envelopeExport = envelope ? [`export const ENVELOPE: Shape = ${emit(envelope)};`] : [];
  const exports = Object.entries(roots).map(([name, root]) => {
    if (isSchema(root)) return `export const ${name}: Shape = ${emit(root)};`;
    const entries = Object.entries(root).map(([key, schema]) => `  ${key}: ${emit(schema)},`);
    return `export const ${name}: Record<string, Shape> = {\n${entries.join('\n')}\n};`;
  });
  return [...consts, ...envelopeExport, ...exports].join('\n');
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function rootSchemas(root: Schema | Record<string, Schema>): Schema[] {
  return isSchema(root) ? [root] : Object.values(root);
}

function children(schema: Schema): Schema[] {
  const def = defOf(schema);
  switch (def.type) {
    case 'object':
      return Object.values(def.shape as Record<string, Schema>);
    case 'array':
      return [def.element as Schema];
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
    case 'nonoptional':
      return [def.innerType as Schema];
    case 'union':
      return def.options as Schema[];
    case 'record':
      return [def.valueType as Schema];
    case 'pipe':
      return [def.in as Schema];
    default:
      return [];
  }
}

const literal = (value: unknown) => JSON.stringify(value);
/** Trailing nulls dropped: `['s', 1, null]` is `['s', 1]`. */
const tuple = (items: unknown[]) => {
  const parts = items.map((item) => (item === undefined ? 'null' : String(item)));
  while (parts.length > 1 && parts.at(-1) === 'null') parts.pop();
  return `[${parts.join(',')}]`;
};

const FRAME_KEYS = ['id', 'type', 'action', 'data', 'timestamp', 'sender'];

function translate(schema: Schema, emit: (schema: Schema) => string, sharesEnvelope: (fields: Record<string, Schema>) => boolean): string {
  const def = defOf(schema);
  const checks = checksOf(schema);
  const bound = (name: string, key: string) => checks.find((c) => c.check === name)?.[key] as number | undefined;
  switch (def.type) {
    case 'string': {
      const min = bound('min_length', 'minimum');
      const max = bound('max_length', 'maximum');
      return min === undefined && max === undefined ? "'s'" : tuple(["'s'", min, max]);
    }
    case 'number': {
      const int = checks.some((c) => c.check === 'number_format' && /int/.test(String(c.format)));
      const low = checks.find((c) => c.check === 'greater_than');
      const high = checks.find((c) => c.check === 'less_than');
      if (!low && !high) return int ? "'i'" : "'n'";
      const exclusive = `${low && !low.inclusive ? 'l' : ''}${high && !high.inclusive ? 'h' : ''}`;
      return tuple(["'n'", int ? 1 : 0, low?.value, high?.value, exclusive ? literal(exclusive) : undefined]);
    }
    case 'boolean':
      return "'b'";
    case 'unknown':
    case 'any':
      return "'u'";
    case 'literal':
      return `['e',${(def.values as unknown[]).map(literal).join(',')}]`;
    case 'enum':
      return `['e',${Object.values(def.entries as Record<string, unknown>)
        .map(literal)
        .join(',')}]`;
    case 'object': {
      const shape = def.shape as Record<string, Schema>;
      // A frame: the envelope's fields are implied (checked from ENVELOPE), its action by the union's key.
      if (sharesEnvelope(shape)) return `['F',${emit(shape.type as Schema)},${emit(shape.data as Schema)}]`;
      const keep = defOf((def.catchall as Schema) ?? ({ _zod: { def: { type: 'never' } } } as unknown as Schema)).type !== 'never';
      const fields = Object.entries(shape).map(([key, inner]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key)}:${emit(inner)}`);
      return `['o',{${fields.join(',')}}${keep ? ',1' : ''}]`;
    }
    case 'array':
      return tuple(["'a'", emit(def.element as Schema), bound('min_length', 'minimum'), bound('max_length', 'maximum')]);
    case 'optional':
      return `['?',${emit(def.innerType as Schema)}]`;
    case 'nullable':
      return `['~',${emit(def.innerType as Schema)}]`;
    case 'default':
      return `['d',${emit(def.innerType as Schema)},${literal(def.defaultValue)}]`;
    case 'readonly':
    case 'nonoptional':
      return emit(def.innerType as Schema);
    case 'record':
      return `['r',${emit(def.valueType as Schema)}]`;
    case 'union': {
      const options = def.options as Schema[];
      const key = def.discriminator as string | undefined;
      if (key === undefined) return `['U',${options.map(emit).join(',')}]`;
      const cases = options.flatMap((option) => {
        const values = defOf((defOf(option).shape as Record<string, Schema>)[key] as Schema).values as unknown[];
        return values.map((value) => `${literal(value)}:${emit(option)}`);
      });
      return `['D',${literal(key)},{${cases.join(',')}}]`;
    }
    case 'pipe':
      return emit(def.in as Schema);
    default:
      throw new Error(`shape-from-zod: no shape for zod type "${def.type}"`);
  }
}
