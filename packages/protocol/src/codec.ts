/**
 * Codec: text on the wire <-> validated frames.
 * Invariant: decoding never throws. Bad input becomes `{ ok: false, error: HeraldError }`
 * carrying `bad_json`, `unknown_action` or `invalid_frame`, plus the frame id when one could be read.
 */
import type { z } from 'zod';
import { type ClientFrame, ClientFrameSchema } from './client-frames.js';
import { ErrorCode } from './codes.js';
import { HeraldError } from './herald-error.js';
import { type ServerFrame, ServerFrameSchema } from './server-frames.js';

export type DecodeResult<F> = { ok: true; frame: F } | { ok: false; error: HeraldError; ref?: string };

/** Raw socket payloads as `ws` and browsers deliver them. */
export type RawPayload = string | Uint8Array | ArrayBuffer | readonly Uint8Array[];

const decoder = new TextDecoder();

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

/** Summarise zod issues as `path: message` lines for an error's details. */
export function describeIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.slice(0, 10).map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

function decodeWith<F>(schema: z.ZodType<F>, actions: ReadonlySet<string>, raw: RawPayload): DecodeResult<F> {
  let value: unknown;
  try {
    value = JSON.parse(toText(raw));
  } catch {
    return { ok: false, error: new HeraldError(ErrorCode.BadJson, 'frame is not valid JSON') };
  }
  const ref =
    typeof value === 'object' && value !== null && typeof (value as { id?: unknown }).id === 'string'
      ? ((value as { id: string }).id.slice(0, 64) as string)
      : undefined;
  const action = typeof value === 'object' && value !== null ? (value as { action?: unknown }).action : undefined;
  if (typeof action !== 'string' || !actions.has(action)) {
    const error = new HeraldError(
      ErrorCode.UnknownAction,
      typeof action === 'string' ? `unknown action "${action.slice(0, 64)}"` : 'frame has no action',
    );
    return ref === undefined ? { ok: false, error } : { ok: false, error, ref };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const error = new HeraldError(ErrorCode.InvalidFrame, `invalid ${action} frame`, describeIssues(parsed.error));
    return ref === undefined ? { ok: false, error } : { ok: false, error, ref };
  }
  return { ok: true, frame: parsed.data };
}

const clientActions: ReadonlySet<string> = new Set(ClientFrameSchema.options.map((o) => actionOf(o)));
const serverActions: ReadonlySet<string> = new Set(ServerFrameSchema.options.map((o) => actionOf(o)));

function actionOf(schema: z.ZodType): string {
  // Each union member is an object (possibly refined) whose `action` is a literal.
  const shape = (schema as unknown as { shape: { action: { value: string } } }).shape;
  return shape.action.value;
}

/** Decode and validate a frame sent by a client (server side). */
export function decodeClientFrame(raw: RawPayload): DecodeResult<ClientFrame> {
  return decodeWith(ClientFrameSchema, clientActions, raw);
}

/** Decode and validate a frame sent by the server (client side). */
export function decodeServerFrame(raw: RawPayload): DecodeResult<ServerFrame> {
  return decodeWith(ServerFrameSchema, serverActions, raw);
}

/** Serialise a frame. Frames built by Herald code are already typed, so this does not re-validate. */
export function encodeFrame(frame: ClientFrame | ServerFrame): string {
  return JSON.stringify(frame);
}
