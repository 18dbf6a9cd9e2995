/**
 * What the wire fuzzer sends: fast-check arbitraries of socket payloads. Every client frame of the
 * protocol's `ClientFrameSchema` is a template (valid data generated from its own schema, with this
 * run's real ids); most payloads are a template with 1–3 mutations (a field deleted, a type
 * flipped, huge/negative/non-finite numbers, NaN-like strings, NUL and lone surrogates, deep
 * nesting, random Unicode, over-long or odd ids, unknown fields, another action) or a raw-text
 * mutation (truncated, padded, BOM, garbage appended); the rest are non-object JSON, random text,
 * binary frames, text frames that are not UTF-8, frames over the size limit and over the hard cap,
 * and bursts (identical `send_message` frames back to back, or many distinct frames at once).
 * Invariants: a payload is a plain description until `materialise` turns it into bytes, giving
 * each frame a fresh id unless the mutation chose the id (so replies can be told apart); values JS
 * cannot hold (1e999, a 10,000-deep array) are spliced into the JSON text as raw markers.
 */
import fc from 'fast-check';
import { arbitraryOf } from './schema-arb.mjs';

/** Placeholder for "a fresh unique id" (replaced by `materialise`). */
export const FRESH_ID = '\u0001ID';
/** Placeholder for "a seq a little below the conversation's last" (replaced by `materialise`). */
export const RECENT_SEQ = '\u0001SEQ';
const MARK = '\u0001';

/**
 * @typedef {{ op: 'truncate' | 'insert' | 'wrap' | 'bom' | 'pad' | 'append' | 'comma', at: number, s: string }} TextOp
 * @typedef {{ kind: 'frame', value: Record<string, unknown>, textOp?: TextOp, mutated: boolean }} FramePlan
 * @typedef {FramePlan
 *   | { kind: 'json', value: unknown }
 *   | { kind: 'text', text: string }
 *   | { kind: 'binary', bytes: Uint8Array | null }
 *   | { kind: 'badutf8', bytes: Uint8Array }
 *   | { kind: 'big', bytes: number }
 *   | { kind: 'burst', frames: Record<string, unknown>[], sameId: boolean }} Plan
 * @typedef {{ text: string | undefined, data: string | Buffer, binary: boolean, kind: string, bytes: number }} Wire
 */

/**
 * The ids a fuzz socket's templates use.
 * @typedef {object} FuzzContext
 * @property {string} token the socket user's access token
 * @property {string[]} ownConversations conversations the user is a member of
 * @property {string[]} otherConversations conversations it is not a member of
 * @property {string[]} messageIds messages of its conversations
 * @property {string[]} userIds users (itself, peers, strangers)
 */

const deepMark = (/** @type {number} */ depth, /** @type {'[' | '{'} */ open) => `${MARK}DEEP:${depth}:${open}`;
const rawMark = (/** @type {string} */ literal) => `${MARK}RAW:${literal}`;

/** Values that go where a field's value was: wrong types, edge numbers, odd strings, nesting. */
export function evilValue() {
  const flips = fc.constantFrom(null, true, false, 0, 1, -1, '', 'x', [], {}, [1, 2], { a: 1 }, [[]], [null]);
  const numbers = fc.oneof(
    fc.constantFrom(
      -1,
      -0.5,
      0.5,
      1.5,
      2 ** 31,
      2 ** 32,
      2 ** 53,
      2 ** 53 + 2,
      -(2 ** 53),
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      1e21,
      -1e21,
    ),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '-0', '1.0', '1E2', '0.0000001', '-1e-999').map(rawMark),
  );
  const nanLike = fc.constantFrom(
    'NaN',
    'Infinity',
    '-Infinity',
    '1e999',
    '0x1F',
    '01',
    ' 5',
    '5 ',
    'null',
    'undefined',
    'true',
    '[]',
    '{}',
    '-0',
    '1',
    '0',
  );
  const oddStrings = fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\u0000'.repeat(64),
    '\ud800',
    '\udc00',
    'a\ud83d',
    '\ude00b',
    '\ud83d\ude00',
    '\ufffe',
    '\ufeff',
    '\u202e\u202d',
    '\u2028\u2029',
    ' ',
    '\t\n\r',
    '"\\/',
    '𝓗𝓮𝓻𝓪𝓵𝓭',
    'e\u0301\u0301\u0301',
  );
  const unicode = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  );
  const long = fc.constantFrom(65, 129, 201, 4097, 16_001, 20_001).map((n) => 'x'.repeat(n));
  const deep = fc
    .tuple(
      fc.constantFrom(16, 256, 1000, 3000, 5000, 10_000, 30_000),
      fc.constantFrom(/** @type {const} */ ('['), /** @type {const} */ ('{')),
    )
    .map(([d, o]) => deepMark(d, o));
  return fc.oneof(
    { arbitrary: flips, weight: 4 },
    { arbitrary: numbers, weight: 4 },
    { arbitrary: nanLike, weight: 2 },
    { arbitrary: oddStrings, weight: 4 },
    { arbitrary: unicode, weight: 3 },
    { arbitrary: long, weight: 1 },
    { arbitrary: deep, weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
  );
}

/** Frame ids that are not a plain short string. */
const evilIds = fc.oneof(
  fc.constantFrom(
    'x'.repeat(64),
    'x'.repeat(65),
    'x'.repeat(1000),
    '😀'.repeat(32),
    '😀'.repeat(33),
    '😀'.repeat(64),
    `${'x'.repeat(63)}😀`,
    `${'x'.repeat(64)}😀`,
    '',
    ' ',
    '\u0000',
    'id\u0000x',
    '\ud800',
    `${'x'.repeat(63)}\ud800`,
    'a"b',
    'a\\b',
    '\u2028',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 70 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 70 }),
  fc.constantFrom(null, 7, true, [], {}, ['x']),
);

/** Every path (list of keys) inside a JSON value, the root excluded. @param {unknown} value @returns {(string | number)[][]} */
function pathsOf(value, prefix = /** @type {(string | number)[]} */ ([]), out = /** @type {(string | number)[][]} */ ([])) {
  if (Array.isArray(value))
    for (const [i, item] of value.entries()) {
      out.push([...prefix, i]);
      pathsOf(item, [...prefix, i], out);
    }
  else if (value !== null && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      out.push([...prefix, key]);
      pathsOf(item, [...prefix, key], out);
    }
  return out;
}

/** @param {unknown} root @param {(string | number)[]} path @returns {{ parent: any, key: string | number } | undefined} */
function locate(root, path) {
  let parent = /** @type {any} */ (root);
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return undefined;
    parent = parent[key];
  }
  if (parent === null || typeof parent !== 'object') return undefined;
  return { parent, key: /** @type {string | number} */ (path.at(-1)) };
}

/**
 * @typedef {{ op: 'delete', pick: number }
 *   | { op: 'set', pick: number, value: unknown }
 *   | { op: 'inject', pick: number, at: number, s: string }
 *   | { op: 'id', value: unknown }
 *   | { op: 'action', value: string }
 *   | { op: 'type', value: unknown }
 *   | { op: 'extra', pick: number, key: string, value: unknown }} Mutation
 */

/** @param {readonly string[]} actions */
function mutationArb(actions) {
  const pick = fc.nat();
  return fc.oneof(
    { arbitrary: fc.record({ op: fc.constant(/** @type {const} */ ('delete')), pick }), weight: 3 },
    { arbitrary: fc.record({ op: fc.constant(/** @type {const} */ ('set')), pick, value: evilValue() }), weight: 8 },
    {
      arbitrary: fc.record({
        op: fc.constant(/** @type {const} */ ('inject')),
        pick,
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        s: fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d', '\ufeff', '😀', '\u0301', '\\', '"'),
      }),
      weight: 4,
    },
    { arbitrary: fc.record({ op: fc.constant(/** @type {const} */ ('id')), value: evilIds }), weight: 3 },
    {
      arbitrary: fc.record({
        op: fc.constant(/** @type {const} */ ('action')),
        value: fc.oneof(
          fc.constantFrom(...actions, 'ack', 'error', 'new_message', 'connected', 'ACK', 'send_message ', ''),
          fc.string({ maxLength: 70 }),
        ),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        op: fc.constant(/** @type {const} */ ('type')),
        value: fc.oneof(fc.constantFrom('text', 'control', 'ack', 'event', 'bogus'), evilValue()),
      }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        op: fc.constant(/** @type {const} */ ('extra')),
        pick,
        key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'id', 'toString', ''), fc.string({ maxLength: 12 })),
        value: evilValue(),
      }),
      weight: 2,
    },
  );
}

/** Apply mutations to a copy of a template. @param {Record<string, unknown>} template @param {Mutation[]} mutations */
export function mutate(template, mutations) {
  const frame = /** @type {Record<string, unknown>} */ (structuredClone(template));
  for (const m of mutations) {
    if (m.op === 'id') frame.id = m.value;
    else if (m.op === 'action') frame.action = m.value;
    else if (m.op === 'type') frame.type = m.value;
    else {
      const paths = pathsOf(frame);
      if (m.op === 'extra') {
        const objects = [[], ...paths].filter((p) => {
          const v = p.length === 0 ? frame : locate(frame, p)?.parent?.[/** @type {any} */ (p.at(-1))];
          return v !== null && typeof v === 'object' && !Array.isArray(v);
        });
        const target = objects[m.pick % objects.length] ?? [];
        const obj = target.length === 0 ? frame : locate(frame, target)?.parent[/** @type {any} */ (target.at(-1))];
        // defineProperty: a "__proto__" key must become an own property, as JSON.parse would make it.
        // A copy: fast-check may hand the same value object to two mutations, and a value placed inside
        // itself would make a circular frame (seen in a 1,000,000-frame run).
        Object.defineProperty(obj, m.key, { value: structuredClone(m.value), enumerable: true, writable: true, configurable: true });
        continue;
      }
      if (paths.length === 0) continue;
      const path = /** @type {(string | number)[]} */ (paths[m.pick % paths.length]);
      const at = locate(frame, path);
      if (!at) continue;
      if (m.op === 'delete') {
        if (Array.isArray(at.parent)) at.parent.splice(Number(at.key), 1);
        else delete at.parent[at.key];
      } else if (m.op === 'set') at.parent[at.key] = structuredClone(m.value);
      else {
        const current = at.parent[at.key];
        if (typeof current === 'string') {
          const cut = Math.floor(m.at * (current.length + 1));
          at.parent[at.key] = current.slice(0, cut) + m.s + current.slice(cut);
        } else at.parent[at.key] = m.s;
      }
    }
  }
  return frame;
}

const textOpArb = fc.record({
  op: fc.constantFrom(/** @type {const} */ ('truncate'), 'insert', 'wrap', 'bom', 'pad', 'append', 'comma'),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  s: fc.oneof(fc.constantFrom('{', '}', '"', ',', ':', '\\', '\u0000', 'null', ']', '\ud800'), fc.string({ maxLength: 8 })),
});

/** @param {string} text @param {TextOp} op */
function applyTextOp(text, op) {
  const cut = Math.floor(op.at * text.length);
  switch (op.op) {
    case 'truncate':
      return text.slice(0, cut);
    case 'insert':
      return text.slice(0, cut) + op.s + text.slice(cut);
    case 'wrap':
      return `[${text}]`;
    case 'bom':
      return `\ufeff${text}`;
    case 'pad':
      return ` \n\t${text}\r\n `;
    case 'append':
      return text + op.s;
    case 'comma':
      return `${text.slice(0, -1)},}`;
  }
}

/**
 * Templates: one arbitrary of valid frames per client action, generated from its schema.
 * @param {{ ClientFrameSchema: { options: readonly any[] } }} protocol
 * @param {FuzzContext} ctx
 */
function templates(protocol, ctx) {
  const conversation = fc.oneof(
    { arbitrary: fc.constantFrom(...ctx.ownConversations), weight: 12 },
    { arbitrary: fc.constantFrom(...ctx.otherConversations), weight: 1 },
    { arbitrary: fc.uuid(), weight: 1 },
  );
  const nonBlank = fc.oneof(
    { arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map((s) => (s.trim() === '' ? `${s}x` : s)), weight: 8 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map((s) => (s.trim() === '' ? `${s}y` : s)), weight: 3 },
    { arbitrary: fc.constantFrom(2000, 16_000).map((n) => 'z'.repeat(n)), weight: 1 },
  );
  /** @type {Record<string, fc.Arbitrary<unknown>>} */
  const hints = {
    conversationId: conversation,
    replyTo: fc.oneof(fc.constantFrom(...ctx.messageIds), fc.uuid()),
    userIds: fc.array(fc.oneof(fc.constantFrom(...ctx.userIds), fc.uuid()), { minLength: 1, maxLength: 4 }),
    ids: fc.array(fc.uuid(), { maxLength: 3 }),
    token: fc.constant(ctx.token),
    fileId: fc.uuid(),
    // A catch-up from seq 0 of a conversation the fuzzer has filled would dominate the run: `since`
    // is mostly a recent seq (filled in when sent); mutations still try 0, -1, 1e999...
    since: fc.oneof({ arbitrary: fc.constant(RECENT_SEQ), weight: 9 }, { arbitrary: fc.nat({ max: 5 }), weight: 1 }),
    text: nonBlank,
    timestamp: fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 }),
  };
  return protocol.ClientFrameSchema.options.map((schema) => {
    const action = schema.shape.action._zod.def.values[0];
    /** @type {fc.Arbitrary<Record<string, unknown>>} */
    let arb = /** @type {any} */ (arbitraryOf(schema, hints)).map((/** @type {Record<string, unknown>} */ frame) => ({
      ...frame,
      id: FRESH_ID,
    }));
    // A send_message is valid as `text` with text; other types need an attachment: mostly text.
    if (action === 'send_message')
      arb = fc.tuple(arb, fc.nat({ max: 9 })).map(([frame, roll]) => (roll < 8 ? { ...frame, type: 'text' } : frame));
    return { action: /** @type {string} */ (action), arb };
  });
}

/**
 * The arbitrary of everything one fuzz socket sends.
 * @param {{ ClientFrameSchema: { options: readonly any[] } }} protocol
 * @param {FuzzContext} ctx
 * @returns {fc.Arbitrary<Plan>}
 */
export function planArbitrary(protocol, ctx) {
  const all = templates(protocol, ctx);
  const actions = all.map((t) => t.action);
  const template = fc.oneof(...all.map((t) => t.arb));
  const sendTemplate = all.find((t) => t.action === 'send_message')?.arb;
  if (!sendTemplate) throw new Error('the protocol has no send_message frame');
  const sendMessage = sendTemplate.map((frame) => ({
    ...frame,
    type: 'text',
    data: { conversationId: ctx.ownConversations[0], text: 'same id, back to back' },
  }));
  /** @type {fc.Arbitrary<Plan>} */
  const valid = template.map((value) => ({ kind: 'frame', value, mutated: false }));
  /** @type {fc.Arbitrary<Plan>} */
  const mutated = fc
    .tuple(template, fc.array(mutationArb(actions), { minLength: 1, maxLength: 3 }))
    .map(([value, ms]) => ({ kind: 'frame', value: mutate(value, ms), mutated: true }));
  /** @type {fc.Arbitrary<Plan>} */
  const textMutated = fc.tuple(template, textOpArb).map(([value, textOp]) => ({ kind: 'frame', value, textOp, mutated: true }));
  /** @type {fc.Arbitrary<Plan>} */
  const nonObject = fc
    .oneof(
      fc.constantFrom(null, 1, -1, 'authenticate', true, [], [{ id: 'x', action: 'heartbeat' }], 1e308),
      fc.jsonValue({ maxDepth: 2 }).filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)),
      template.map((f) => [f]),
    )
    .map((value) => ({ kind: 'json', value }));
  /** @type {fc.Arbitrary<Plan>} */
  const objects = fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v))
    .map((value) => ({ kind: 'json', value }));
  /** @type {fc.Arbitrary<Plan>} */
  const garbage = fc
    .oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constantFrom('', ' ', '{', '}', '{"id":"g1"', '{"id":"g2",', 'null', '[]', '{"id":"g3","action":}'),
    )
    .map((text) => ({ kind: 'text', text }));
  /** @type {fc.Arbitrary<Plan>} */
  const binary = fc.option(fc.uint8Array({ maxLength: 120 }), { nil: null, freq: 2 }).map((bytes) => ({ kind: 'binary', bytes }));
  /** @type {fc.Arbitrary<Plan>} */
  const badUtf8 = fc
    .constantFrom([0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80])
    .map((seq) => ({ kind: 'badutf8', bytes: Uint8Array.from(seq) }));
  /** @type {fc.Arbitrary<Plan>} */
  const big = fc
    .oneof({ arbitrary: fc.integer({ min: 65 * 1024, max: 200 * 1024 }), weight: 9 }, { arbitrary: fc.constant(300 * 1024), weight: 1 })
    .map((bytes) => ({ kind: 'big', bytes }));
  /** @type {fc.Arbitrary<Plan>} */
  const duplicates = fc
    .tuple(sendMessage, fc.integer({ min: 2, max: 6 }))
    .map(([frame, n]) => ({ kind: 'burst', frames: Array.from({ length: n }, () => frame), sameId: true }));
  /** @type {fc.Arbitrary<Plan>} */
  const pipelined = fc.array(template, { minLength: 2, maxLength: 60 }).map((frames) => ({ kind: 'burst', frames, sameId: false }));
  return fc.oneof(
    { arbitrary: valid, weight: 30 },
    { arbitrary: mutated, weight: 45 },
    { arbitrary: textMutated, weight: 6 },
    { arbitrary: nonObject, weight: 4 },
    { arbitrary: objects, weight: 3 },
    { arbitrary: garbage, weight: 4 },
    { arbitrary: binary, weight: 2 },
    { arbitrary: badUtf8, weight: 1 },
    { arbitrary: big, weight: 1 },
    { arbitrary: duplicates, weight: 2 },
    { arbitrary: pipelined, weight: 2 },
  );
}

/** Replace raw markers (values JS cannot hold) in a JSON text. @param {string} json */
function splice(json) {
  if (!json.includes('\\u0001')) return json;
  return json.replace(/"\\u0001(DEEP|RAW):([^"]*)"/g, (_all, kind, rest) => {
    if (kind === 'RAW') return rest;
    const [depth, open] = rest.split(':');
    const n = Number(depth);
    return open === '[' ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  });
}

/** @typedef {{ freshId: () => string, recentSeq: (conversationId: unknown) => number, conversationId: string }} Fill */

/** Fill the placeholders of a frame. @param {Record<string, unknown>} frame @param {Fill} fill @param {string} [id] */
function filled(frame, fill, id) {
  const out = frame.id === FRESH_ID ? { ...frame, id: id ?? fill.freshId() } : frame;
  const data = /** @type {Record<string, unknown> | undefined} */ (out.data);
  if (data && typeof data === 'object' && data.since === RECENT_SEQ)
    return { ...out, data: { ...data, since: fill.recentSeq(data.conversationId) } };
  return out;
}

/**
 * Bytes on the wire for one plan (a burst gives several).
 * @param {Plan} plan
 * @param {Fill} fill fresh ids, a recent seq, the conversation of frames over the size limit
 * @returns {Wire[]}
 */
export function materialise(plan, fill) {
  const { freshId, conversationId } = fill;
  /** @param {string} text @returns {Wire} */
  const text = (text, kind = /** @type {string} */ (plan.kind)) => ({
    text,
    data: text,
    binary: false,
    kind,
    bytes: Buffer.byteLength(text),
  });
  switch (plan.kind) {
    case 'frame': {
      let json = splice(JSON.stringify(filled(plan.value, fill)));
      if (plan.textOp) json = applyTextOp(json, plan.textOp);
      return [text(json, plan.textOp ? `text-${plan.textOp.op}` : plan.mutated ? 'mutated' : 'valid')];
    }
    case 'json':
      return [
        text(
          splice(JSON.stringify(plan.value) ?? 'null'),
          Array.isArray(plan.value) || plan.value === null || typeof plan.value !== 'object' ? 'non-object' : 'random-object',
        ),
      ];
    case 'text':
      return [text(plan.text, 'garbage')];
    case 'binary': {
      const data = plan.bytes
        ? Buffer.from(plan.bytes)
        : Buffer.from(JSON.stringify({ id: freshId(), type: 'heartbeat', action: 'heartbeat', data: {}, timestamp: Date.now() }));
      return [{ text: undefined, data, binary: true, kind: 'binary', bytes: data.byteLength }];
    }
    case 'badutf8': {
      const head = Buffer.from(`{"id":"${freshId()}","type":"heartbeat","action":"heartbeat","data":{"x":"`);
      const data = Buffer.concat([head, Buffer.from(plan.bytes), Buffer.from('"},"timestamp":1}')]);
      return [{ text: undefined, data, binary: false, kind: 'bad-utf8', bytes: data.byteLength }];
    }
    case 'big': {
      const head = `{"id":"${freshId()}","type":"text","action":"send_message","data":{"conversationId":"${conversationId}","text":"`;
      const tail = '"},"timestamp":1}';
      return [text(head + 'b'.repeat(Math.max(0, plan.bytes - head.length - tail.length)) + tail, 'too-big')];
    }
    case 'burst': {
      const shared = plan.sameId ? freshId() : undefined;
      return plan.frames.map((frame) => {
        return text(splice(JSON.stringify(filled(frame, fill, shared))), plan.sameId ? 'burst-same-id' : 'burst');
      });
    }
  }
}
