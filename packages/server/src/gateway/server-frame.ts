/**
 * What every frame the server originates needs: a fresh id (`serverFrameId`), and for requests the
 * one positive answer (`ack`). Used by the gateway and by every feature that sends or publishes frames.
 * Invariant: ids are unique within this process (pid, start time and a counter), so a client can
 * tell frames apart without the server paying for a UUID per frame on the hot path.
 */
import type { RequestAction, RequestResult, ServerFrame } from '@herald/protocol';

let frameCounter = 0;

/** A new server frame id: unique per process, cheap. */
export function serverFrameId(): string {
  frameCounter = (frameCounter + 1) % Number.MAX_SAFE_INTEGER;
  return `s${process.pid.toString(36)}.${Date.now().toString(36)}.${frameCounter.toString(36)}`;
}

/** Where an answer goes (a Connection). */
export interface FrameSink {
  send(frame: ServerFrame): boolean;
}

/** Answer a request with its `ack`: `ref` is the request's id, `result` is typed by its action. */
export function ack<A extends RequestAction>(connection: FrameSink, request: { id: string; action: A }, result: RequestResult<A>): void {
  connection.send({ id: serverFrameId(), type: 'ack', action: 'ack', data: { ref: request.id, result }, timestamp: Date.now() });
}
