/**
 * A client's decoder of server frames, small enough for a browser bundle: JSON, the envelope's
 * action, then the frame's shape (generated from ServerFrameSchema; shape.ts). It gives the same
 * results and error codes as codec.ts's `decodeServerFrame` (a test holds them together) without
 * reading a `ref` out of text that is not JSON: a server never sends such text, and a client has no
 * request to fail by it. Invariant: never throws.
 */
import { ErrorCode } from './codes.js';
import { SERVER_FRAME } from './frame-shapes.generated.js';
import { HeraldError } from './herald-error.js';
import type { ServerFrame } from './server-frames.js';
import { checkShape } from './shape.js';

const FRAMES = (SERVER_FRAME as [string, string, Record<string, unknown>])[2];

/** The frame, or the HeraldError (`bad_json`, `invalid_frame`, `unknown_action`) saying why not. */
export function decodeServerText(data: unknown): { ok: true; frame: ServerFrame } | { ok: false; error: HeraldError } {
  let value: { action?: unknown } | null;
  try {
    value = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer));
  } catch {
    return { ok: false, error: new HeraldError(ErrorCode.BadJson, 'frame is not valid JSON') };
  }
  const action = typeof value === 'object' && value !== null && !Array.isArray(value) ? value.action : undefined;
  if (typeof action !== 'string') return { ok: false, error: new HeraldError(ErrorCode.InvalidFrame, 'frame has no action') };
  if (!Object.hasOwn(FRAMES, action))
    return { ok: false, error: new HeraldError(ErrorCode.UnknownAction, `unknown action "${action.slice(0, 64)}"`) };
  const checked = checkShape(SERVER_FRAME, value);
  return checked.ok
    ? { ok: true, frame: checked.value as ServerFrame }
    : { ok: false, error: new HeraldError(ErrorCode.InvalidFrame, `invalid ${action} frame`, checked.issues) };
}
