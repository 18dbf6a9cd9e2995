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
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** The parts of ws's private WebSocket and Receiver this relies on; checked before installing. */
interface WebSocketInternals {
  _socket?: Socket | null;
  _receiver?: { _fragments?: unknown } | null;
}

/** Installs the swap on one server-side socket; false (and nothing installed) if ws's internals differ. */
export function keepFragmentListYoung(ws: WebSocket): boolean {
  const { _socket: socket, _receiver: receiver } = ws as unknown as WebSocketInternals;
  if (!socket || typeof socket.prependListener !== 'function' || !receiver || !Array.isArray(receiver._fragments)) return false;
  // Before ws's own 'data' listener, which hands the chunk to the receiver.
  socket.prependListener('data', () => {
    const fragments = receiver._fragments;
    if (Array.isArray(fragments) && fragments.length === 0) receiver._fragments = [];
  });
  return true;
}
