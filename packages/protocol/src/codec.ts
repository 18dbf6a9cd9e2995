/**
 * Codec: text on the wire <-> validated frames. Server frames are checked against the shapes
 * generated from the zod schemas (shape.ts), so a browser client decodes without zod; client frames
 * (server side) against the zod schemas themselves (client-frame-codec.ts).
 * Invariant: decoding never throws. Bad input becomes `{ ok: false, error: HeraldError }`
 * carrying `bad_json`, `invalid_frame` (not a JSON object, no string `action`, or a known action's
 * schema refused it) or `unknown_action` (a string `action` nobody serves), plus `ref` when the
 * frame's id could be read (for text that is not JSON, by `readFrameId`'s bounded scan).
 * `ref` is the id exactly as sent, and only a valid one (FrameIdSchema: 1–64 code points, no lone
 * surrogate): an id is never cut, so a client can always match `ref` to its request by equality.
 */
import type { ClientFrame } from './client-frames.js';
import { ErrorCode } from './codes.js';
import { SERVER_FRAME } from './frame-shapes.generated.js';
import { HeraldError } from './herald-error.js';
import { isSafeText } from './safe-text.js';
import type { ServerFrame } from './server-frames.js';
import { checkShape, type ShapeIssue } from './shape.js';

export type DecodeResult<F> =
  | { ok: true; frame: F }
  | {
      ok: false;
      error: HeraldError;
      /** The frame's id, when it could be read and is a valid id. */
      ref?: string;
      /** The frame's action, when it names one this side knows (its schema refused the frame). */
      action?: string;
    };

/** Raw socket payloads as `ws` and browsers deliver them. */
export type RawPayload = string | Uint8Array | ArrayBuffer | readonly Uint8Array[];

const decoder = new TextDecoder();
// ignoreBOM: it decodes slices (an id's bytes), where a leading U+FEFF is part of the id, not a mark.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as text, or '' (never a valid id) when they are not UTF-8: an id read from them must be the one sent. */
function strictText(bytes: Uint8Array): string {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return '';
  }
}

function toText(raw: RawPayload): string {
  if (typeof raw === 'string') return raw;
  if (raw instanceof ArrayBuffer) return decoder.decode(new Uint8Array(raw));
  if (raw instanceof Uint8Array) return decoder.decode(raw);
  let size = 0;
  for (const part of raw) size += part.byteLength;
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const part of raw) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return decoder.decode(joined);
}

/** Checks a parsed frame against its action's schema: the frame as validated, or what is wrong. */
export type FrameValidator<F> = (value: unknown) => { ok: true; value: F } | { ok: false; issues: ShapeIssue[] };

/** Decode text into a frame of a known action, or say why not (never throws). */
export function decodeWith<F>(validate: FrameValidator<F>, actions: ReadonlySet<string>, raw: RawPayload): DecodeResult<F> {
  let value: unknown;
  try {
    value = JSON.parse(toText(raw));
  } catch {
    return refused(new HeraldError(ErrorCode.BadJson, 'frame is not valid JSON'), readFrameId(raw));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return refused(new HeraldError(ErrorCode.InvalidFrame, 'a frame is a JSON object'));
  }
  const ref = validFrameId((value as { id?: unknown }).id);
  const action = (value as { action?: unknown }).action;
  if (typeof action !== 'string') {
    const issue = { path: 'action', message: 'expected a string naming the action' };
    return refused(new HeraldError(ErrorCode.InvalidFrame, 'frame has no action', [issue]), ref);
  }
  if (!actions.has(action)) {
    return refused(new HeraldError(ErrorCode.UnknownAction, `unknown action "${cutAt(action, 64)}"`), ref);
  }
  const checked = validate(value);
  if (!checked.ok) return refused(new HeraldError(ErrorCode.InvalidFrame, `invalid ${action} frame`, checked.issues), ref, action);
  return { ok: true, frame: checked.value };
}

function refused(error: HeraldError, ref?: string, action?: string): DecodeResult<never> {
  return { ok: false, error, ...(ref === undefined ? {} : { ref }), ...(action === undefined ? {} : { action }) };
}

/**
 * `value` when it is a valid frame id (the only kind echoed as `ref`), else undefined: FrameIdSchema's
 * rule (1–64 code points of safe text) without zod; codec.test.ts checks the two agree.
 */
export function validFrameId(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '' || value.length > 128 || !isSafeText(value)) return undefined;
  return [...value].length <= 64 ? value : undefined;
}

/** At most `units` UTF-16 units of `text`, never ending in half of a surrogate pair (for messages quoting input). */
function cutAt(text: string, units: number): string {
  if (text.length <= units) return text;
  const last = text.charCodeAt(units - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? units - 1 : units);
}

const serverActions: ReadonlySet<string> = new Set(Object.keys((SERVER_FRAME as [string, string, object])[2]));
const checkServerFrame = (value: unknown) => checkShape(SERVER_FRAME, value) as ReturnType<FrameValidator<ServerFrame>>;

/** Decode and validate a frame sent by the server (client side). */
export function decodeServerFrame(raw: RawPayload): DecodeResult<ServerFrame> {
  return decodeWith(checkServerFrame, serverActions, raw);
}

/** How far into a frame `readFrameId` looks: an error about a huge frame must cost little CPU. */
export const FRAME_ID_SCAN_BYTES = 8 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The frame's top-level `"id"` string, read without parsing the frame (for frames that are too
 * big, over the rate limit, or not valid JSON): a scan of at most the first `limit` bytes that
 * follows strings and nesting, so an `"id"` inside `data` is never taken for the frame's. Undefined
 * when the frame is not a JSON object, the id is not a plain string (no escapes), or it does not
 * appear within the limit (put `id` first; Herald's clients do), or is not a valid frame id
 * (`validFrameId`; bytes that are not UTF-8 are not one): never a cut or altered id.
 */
export function readFrameId(raw: RawPayload, limit = FRAME_ID_SCAN_BYTES): string | undefined {
  const units = codeUnits(raw, limit);
  const end = units.length;
  const at = units.at;
  let i = skipSpace(at, 0, end);
  if (i >= end || at(i) !== 0x7b /* { */) return undefined;
  let depth = 0;
  let expectKey = false;
  while (i < end) {
    const c = at(i);
    if (c === QUOTE) {
      const close = stringEnd(at, i + 1, end);
      if (close < 0) return undefined;
      const isKey = depth === 1 && expectKey;
      const isId = isKey && close - i === 3 && at(i + 1) === 0x69 /* i */ && at(i + 2) === 0x64; /* d */
      i = close + 1;
      if (!isKey) continue;
      expectKey = false;
      i = skipSpace(at, i, end);
      if (i >= end || at(i) !== 0x3a /* : */) return undefined;
      if (!isId) continue;
      i = skipSpace(at, i + 1, end);
      if (i >= end || at(i) !== QUOTE) return undefined;
      const valueEnd = stringEnd(at, i + 1, end);
      if (valueEnd < 0 || valueEnd === i + 1) return undefined;
      for (let j = i + 1; j < valueEnd; j++) if (at(j) === BACKSLASH) return undefined;
      return validFrameId(units.text(i + 1, valueEnd));
    }
    if (c === 0x7b || c === 0x5b /* { [ */) {
      depth++;
      if (depth === 1) expectKey = true;
    } else if (c === 0x7d || c === 0x5d /* } ] */) {
      depth--;
      if (depth <= 0) return undefined;
    } else if (c === 0x2c /* , */ && depth === 1) {
      expectKey = true;
    }
    i++;
  }
  return undefined;
}

interface CodeUnits {
  length: number;
  at: (index: number) => number;
  text: (start: number, end: number) => string;
}

/** The first `limit` code units of a payload (bytes, or UTF-16 units of a string): JSON's syntax is ASCII, so either works. */
function codeUnits(raw: RawPayload, limit: number): CodeUnits {
  if (typeof raw === 'string') {
    return { length: Math.min(raw.length, limit), at: (i) => raw.charCodeAt(i), text: (start, end) => raw.slice(start, end) };
  }
  let bytes: Uint8Array;
  if (raw instanceof ArrayBuffer) bytes = new Uint8Array(raw, 0, Math.min(raw.byteLength, limit));
  else if (raw instanceof Uint8Array) bytes = raw.subarray(0, limit);
  else {
    // Fragments: join only as many bytes as the scan may look at.
    let size = 0;
    for (const part of raw) size += part.byteLength;
    bytes = new Uint8Array(Math.min(size, limit));
    let offset = 0;
    for (const part of raw) {
      if (offset >= bytes.length) break;
      const take = part.subarray(0, bytes.length - offset);
      bytes.set(take, offset);
      offset += take.byteLength;
    }
  }
  const view = bytes;
  return { length: view.length, at: (i) => view[i] ?? 0, text: (start, end) => strictText(view.subarray(start, end)) };
}

function skipSpace(at: (index: number) => number, from: number, end: number): number {
  let i = from;
  while (i < end) {
    const c = at(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
    i++;
  }
  return i;
}

/** Index of the quote closing a string whose content starts at `from`; -1 if it does not close before `end`. */
function stringEnd(at: (index: number) => number, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = at(i);
    if (c === BACKSLASH) i++;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** Serialise a frame. Frames built by Herald code are already typed, so this does not re-validate. */
export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}
