/**
 * ws-internals: every use Herald makes of `ws` beyond its documented API, in one place. Each one
 * buys throughput or memory on the hot path; none is needed for correctness. `ws` is pinned to an
 * exact version in packages/server/package.json, and ws-internals.test.ts checks every reach on a
 * real connected socket, so an upgrade that renames or reshapes one fails there instead of quietly
 * costing what it bought.
 *
 * The reaches, and why each exists:
 * - `socketOf` (`ws._socket`, the net.Socket): a Connection corks it for the rest of the event-loop
 *   turn, so the frames it is written in one turn (a batch's messages, an echo and its ack) leave in
 *   one `writev` instead of one system call each (connection.ts).
 * - `textFrame` (`Sender.frame`, exported at runtime but missing from @types/ws): frames a broadcast
 *   once, for every recipient; ws would re-frame the same payload per socket (local-sessions.ts).
 * - `sendFramed` (`ws._sender.sendFrame`, `_state`, `_queue`): writes that pre-built frame through
 *   ws's own sender, as engine.io does, when the sender is idle (connection.ts).
 * - `keepFragmentListYoung` (`ws._receiver._fragments`, the Receiver's `_write`): see there.
 * Invariant: every reach checks the shape it expects first; when that shape is not there it does
 * nothing (and says so by its return value), and ws behaves exactly as shipped.
 */
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import * as wsModule from 'ws';

/** The parts of ws's private WebSocket, Sender and Receiver these rely on; checked before every use. */
interface WebSocketInternals {
  _socket?: Socket | null;
  _sender?: { sendFrame?: (list: readonly Buffer[]) => void; _state?: number; _queue?: unknown[] } | null;
  _receiver?: ReceiverInternals | null;
}

type ReceiverWrite = (this: ReceiverInternals, chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void) => void;

interface ReceiverInternals {
  _fragments?: unknown;
  _write?: ReceiverWrite;
}

/** ws's frame builder. */
const { Sender } = wsModule as unknown as {
  Sender?: { frame?(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): Buffer[] };
};

/** ws's Sender state when nothing is being compressed or queued (`DEFAULT` in lib/sender.js). */
const SENDER_IDLE = 0;
/** The WebSocket opcode of a text frame (RFC 6455 §5.2). */
const TEXT_OPCODE = 1;

/** The TCP socket under a ws WebSocket; undefined before it is connected, after it closed, or if ws keeps it elsewhere. */
export function socketOf(ws: WebSocket): Socket | undefined {
  const socket = (ws as unknown as WebSocketInternals)._socket;
  return socket && typeof socket.cork === 'function' ? socket : undefined;
}

/**
 * One complete, unmasked text frame (header and payload in one buffer) for `data`, as a server
 * sends it; in the one-element list ws's sender takes. Undefined when ws no longer exports the builder.
 */
export function textFrame(data: Buffer): readonly [Buffer] | undefined {
  if (typeof Sender?.frame !== 'function') return undefined;
  return [Buffer.concat(Sender.frame(data, { fin: true, rsv1: false, opcode: TEXT_OPCODE, mask: false, readOnly: true }))];
}

/**
 * Write a frame built by `textFrame` through ws's own sender; false (nothing written) when the
 * sender is busy (a queued or compressing send must keep its place) or not what this expects: then
 * send the payload with `ws.send`.
 */
export function sendFramed(ws: WebSocket, frame: readonly [Buffer]): boolean {
  const sender = (ws as unknown as WebSocketInternals)._sender;
  if (!sender || typeof sender.sendFrame !== 'function' || sender._state !== SENDER_IDLE || sender._queue?.length !== 0) return false;
  sender.sendFrame(frame);
  return true;
}

/** ws's own Receiver#_write, taken from the first receiver seen (one ws in the process). */
let receiverWrite: ReceiverWrite | undefined;

/** Receiver#_write with the swap in front; one shared function, so a connection costs one property. */
function writeIntoFreshList(
  this: ReceiverInternals,
  chunk: Buffer,
  encoding: BufferEncoding,
  callback: (error?: Error | null) => void,
): void {
  const fragments = this._fragments;
  if (Array.isArray(fragments) && fragments.length === 0) this._fragments = [];
  (receiverWrite as ReceiverWrite).call(this, chunk, encoding, callback);
}

/**
 * Keeps ws's receiver from promoting every frame it reads into V8's old generation. Installs on one
 * server-side socket; false (and nothing installed) if ws's internals differ.
 *
 * Why: ws's Receiver pushes each frame's payload into its `_fragments` array and, when the message
 * is complete, replaces that array with a fresh `[]`. On a connection that talks every second or
 * two (chat), the fresh array outlives two scavenges before the next frame arrives, so it sits in
 * the old generation when the payload is pushed into it. Once replaced it is garbage, but old
 * garbage stays until the next full collection, and the scavenger treats its recorded old-to-young
 * slot as a root: every payload Buffer (and its ArrayBuffer) survived two scavenges and was
 * promoted ("nepotism"). In the chat bench that was about 80 % of everything promoted (~245 KB per
 * scavenge down to ~43 KB), which is what fills the old generation and brings on mark-compacts.
 * The fix: just before ws reads a chunk, swap an empty `_fragments` for a new (young) array, so the
 * payload lands in young memory and dies young. A message in progress (fragments not empty) is
 * never touched.
 */
export function keepFragmentListYoung(ws: WebSocket): boolean {
  const receiver = (ws as unknown as WebSocketInternals)._receiver;
  if (!receiver || !Array.isArray(receiver._fragments) || Object.hasOwn(receiver, '_write')) return false;
  const write = (Object.getPrototypeOf(receiver) as ReceiverInternals | null)?._write;
  if (typeof write !== 'function') return false;
  receiverWrite ??= write;
  // A receiver of another ws copy would be handed to the wrong _write: leave it as shipped.
  if (write !== receiverWrite) return false;
  // Writable#write hands each chunk to `_write`: the swap runs before ws's receiver reads it.
  receiver._write = writeIntoFreshList;
  return true;
}
