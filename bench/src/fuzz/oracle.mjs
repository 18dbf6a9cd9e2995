/**
 * What the documented contract says a payload must get back, computed before it is sent: whether
 * one reply is due (or none, or maybe one), the `ref` it must carry, which error codes may answer
 * it, and which close codes may replace the reply. The rules come from docs/protocol.md and the
 * protocol package, not from the server's code:
 * - every request gets exactly one reply (`ack`, `error`, `heartbeat`; `connected` for
 *   `authenticate`); `typing_status` gets none unless refused;
 * - a reply's `ref` is the request's id whenever the id could be read — a valid id (the
 *   protocol's `FrameIdSchema`: 1–64 code points, no lone surrogate) whole, an invalid one never
 *   (no `ref`, never a prefix); for frames the server does not parse, read by the documented
 *   bounded scan (`readFrameId`: a top-level plain string within the first 8 KiB);
 * - frames that end the socket get their error first (the strike past the limit then 4008, a
 *   malformed `authenticate` then 4001, text that is not UTF-8 then 1007); only a frame over the
 *   hard cap is cut without one (1009);
 * - error codes are those of `ErrorCode` that the server sends (not the four client-side ones), and
 *   never `internal` for any input; a frame the protocol's own codec refuses gets the codec's code
 *   (or `too_big`/`rate_limited`), a frame it accepts is never refused as `invalid_frame`;
 * - a non-object JSON frame is `invalid_frame` (issue 21, item 10);
 * - close codes are those of docs/protocol.md's table (read from the file).
 * Invariant: pure functions of the payload, the socket's auth state and the documented limits.
 */
import { readFileSync } from 'node:fs';

/** Codes a client makes up for itself and the server never sends (docs/protocol.md: "client-side"). */
const CLIENT_SIDE = ['timeout', 'disconnected', 'queue_full', 'handler_failed'];
/** Codes whose error frame is a protocol violation (counted toward the 4008 close). */
const STRIKE_CODES = new Set(['too_big', 'invalid_frame', 'bad_json', 'unknown_action', 'not_authenticated']);
/** Codes a refused `authenticate` gets before its 4001 close (docs/protocol.md, session lifecycle). */
const AUTH_REFUSALS = ['unauthorized', 'token_expired', 'session_revoked', 'account_disabled'];

/**
 * @typedef {typeof import('@herald/protocol')} Protocol
 * @typedef {'valid' | 'invalid' | 'none'} IdStatus
 * @typedef {object} Expectation
 * @property {'one' | 'optional' | 'none' | 'connect'} reply `connect`: `connected` or an auth refusal
 * @property {string | undefined} ref the exact ref due when `idStatus` is `valid`
 * @property {IdStatus} idStatus `invalid`: a string id the schema refuses (over-long, empty...)
 * @property {unknown} rawId the id as sent (for the documented treatment of invalid ids)
 * @property {ReadonlySet<string> | undefined} codes error codes allowed (undefined: any documented)
 * @property {boolean} ackAllowed
 * @property {boolean} heartbeat the reply is a `heartbeat` frame
 * @property {number[]} cutBy close codes that may take the place of the reply
 * @property {boolean} strike an error reply counts toward the 4008 close
 * @property {string} why what the oracle decided, for breach reports
 */

/**
 * The documented codes: error codes from the protocol package, close codes from docs/protocol.md.
 * @param {Protocol} protocol
 * @param {string} repoRoot
 */
export function documentedCodes(protocol, repoRoot) {
  const all = Object.values(protocol.ErrorCode);
  for (const code of CLIENT_SIDE)
    if (!all.includes(/** @type {any} */ (code))) throw new Error(`ErrorCode has no client-side code ${code}`);
  const errors = new Set(all.filter((code) => !CLIENT_SIDE.includes(code)));
  const doc = readFileSync(`${repoRoot}/docs/protocol.md`, 'utf8');
  const table = doc.slice(doc.indexOf('## Close codes'));
  const closes = new Set([...table.matchAll(/^\| (\d{4}) \|/gm)].map((m) => Number(m[1])));
  if (closes.size === 0) throw new Error('docs/protocol.md has no close-code table');
  return { errors, closes };
}

/** The hard frame cap (close 1009), as docs/protocol.md's limits table gives it. @param {number} maxFrameBytes */
export const hardCap = (maxFrameBytes) => Math.max(4 * maxFrameBytes, 256 * 1024);

/**
 * @param {Protocol} protocol
 * @param {import('./frames.mjs').Wire} wire
 * @param {{ authed: boolean, maxFrameBytes: number }} state
 * @returns {Expectation}
 */
export function expectationOf(protocol, wire, state) {
  /** @type {Expectation} */
  const base = {
    reply: 'one',
    ref: undefined,
    idStatus: 'none',
    rawId: undefined,
    codes: undefined,
    ackAllowed: false,
    heartbeat: false,
    cutBy: [],
    strike: true,
    why: '',
  };
  /** Ref by the bounded scan (frames the server does not parse). */
  const scanned = (/** @type {string} */ code, /** @type {string} */ why) => {
    const id = protocol.readFrameId(wire.data);
    // When the text parses (a frame too big, sent as binary...) its whole id is known, so an
    // over-long or odd id is judged on what was sent, not on what the scan saw.
    const candidate = (wire.text !== undefined ? topLevelId(wire.text) : undefined) ?? id;
    const codes = new Set([code, 'rate_limited']);
    if (id === undefined) return { ...base, codes, why };
    if (idStatusOf(protocol, candidate) === 'valid' && candidate === id)
      return { ...base, codes, ref: id, idStatus: /** @type {IdStatus} */ ('valid'), rawId: id, why };
    return { ...base, codes, idStatus: /** @type {IdStatus} */ ('invalid'), rawId: candidate, why };
  };
  if (wire.bytes > hardCap(state.maxFrameBytes)) return { ...base, reply: 'none', cutBy: [1009], why: 'over the hard cap: close 1009' };
  if (wire.bytes > state.maxFrameBytes) return scanned('too_big', 'over the frame size limit');
  if (wire.binary) return scanned('invalid_frame', 'binary frame');
  if (wire.text === undefined) {
    // Not UTF-8: `bad_json` (ref by the scan), then the 1007 close RFC 6455 requires.
    return { ...scanned('bad_json', 'text frame that is not UTF-8'), cutBy: [1007] };
  }
  // A UTF-8 decoder drops a leading byte-order mark (WHATWG "UTF-8 decode", as the server's
  // TextDecoder does), so JSON after a BOM is still JSON.
  const text = wire.text.startsWith('\ufeff') ? wire.text.slice(1) : wire.text;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return scanned('bad_json', 'not JSON');
  }
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const id = isObject ? /** @type {{ id?: unknown }} */ (value).id : undefined;
  const status = idStatusOf(protocol, id);
  const withId = { ...base, idStatus: status, rawId: id, ref: status === 'valid' ? /** @type {string} */ (id) : undefined };
  if (!isObject) return { ...withId, codes: new Set(['invalid_frame', 'rate_limited']), why: 'JSON that is not an object' };
  const decoded = protocol.decodeClientFrame(text);
  if (!decoded.ok)
    return {
      ...withId,
      codes: new Set([decoded.error.code, 'rate_limited']),
      why: `the protocol codec refuses it (${decoded.error.code})`,
    };
  const action = decoded.frame.action;
  const allowed = (/** @type {string[]} */ codes) => new Set([...codes, 'rate_limited']);
  if (!state.authed && action !== 'authenticate' && action !== 'heartbeat')
    return { ...withId, codes: allowed(['not_authenticated']), why: 'a request before authenticate' };
  if (action === 'heartbeat') return { ...withId, heartbeat: true, strike: false, codes: allowed([]), why: 'heartbeat' };
  if (action === 'authenticate') {
    if (state.authed)
      return { ...withId, strike: false, codes: allowed(['already_authenticated']), why: 'authenticate on an authenticated socket' };
    return { ...withId, reply: 'connect', strike: false, codes: allowed(AUTH_REFUSALS), cutBy: [4001], why: 'authenticate' };
  }
  /** Any documented handler refusal; never the decoder's codes for a frame the codec accepts. */
  const handler = undefined;
  if (action === 'typing_status') return { ...withId, reply: 'optional', strike: false, codes: handler, why: 'typing_status (an event)' };
  return { ...withId, ackAllowed: true, strike: false, codes: handler, why: `a valid ${action}` };
}

/** @param {Protocol} protocol @param {unknown} id @returns {IdStatus} */
function idStatusOf(protocol, id) {
  if (typeof id !== 'string') return 'none';
  return protocol.FrameIdSchema.safeParse(id).success ? 'valid' : 'invalid';
}

/** The top-level `id` of a JSON text when it parses as an object. @param {string} text */
function topLevelId(text) {
  try {
    const value = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) && typeof value.id === 'string' ? value.id : undefined;
  } catch {
    return undefined;
  }
}

/** A code the oracle knows counts toward the 4008 close. @param {string} code */
export const isStrike = (code) => STRIKE_CODES.has(code);

/**
 * Whether a `ref` answering a frame with an invalid string id (empty, over 64 code points, a lone
 * surrogate) is what docs/protocol.md allows: none at all ("no `ref`, never a prefix").
 * @param {string | undefined} ref
 * @param {unknown} _rawId
 */
export function invalidIdRefOk(ref, _rawId) {
  return ref === undefined;
}
