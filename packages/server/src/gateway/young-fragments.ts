/**
 * Keeps ws's receiver from promoting every frame it reads into V8's old generation.
 *
 * Why: ws's Receiver pushes each frame's payload into its `_fragments` array and, when the message
 * is complete, replaces that array with a fresh `[]`. On a connection that talks every second or two
 * (chat), the fresh array outlives two scavenges before the next frame arrives, so it sits in the
 * old generation when the payload is pushed into it. Once replaced it is garbage, but old garbage
 * stays until the next full collection, and the scavenger treats its recorded old-to-young slot as
 * a root: every payload Buffer (and its ArrayBuffer) survived two scavenges and was promoted
 * ("nepotism"). In the chat bench that was about 80 % of everything promoted (~245 KB per scavenge
 * down to ~43 KB), which is what fills the old generation and brings on mark-compacts.
 * The fix: just before ws reads a chunk, swap an empty `_fragments` for a new (young) array, so
 * the payload lands in young memory and dies young.
 * Invariants: a message in progress (fragments not empty) is never touched; when ws's internals
 * are not what this expects, nothing is installed and ws behaves exactly as shipped.
 */
import type { WebSocket } from 'ws';

type ReceiverWrite = (this: ReceiverInternals, chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void) => void;

/** The parts of ws's private Receiver this relies on; checked before installing. */
interface ReceiverInternals {
  _fragments?: unknown;
  _write?: ReceiverWrite;
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

/** Installs the swap on one server-side socket; false (and nothing installed) if ws's internals differ. */
export function keepFragmentListYoung(ws: WebSocket): boolean {
  const receiver = (ws as unknown as { _receiver?: ReceiverInternals | null })._receiver;
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
