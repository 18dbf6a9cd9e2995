/**
 * FrameRouter: one client frame, from bytes to its handler. Size → rate → text (not binary, valid
 * UTF-8) → decode → whether the server still serves it (shutdown) → auth state → the action's
 * handler (ActionRegistry) → a thrown HeraldError becomes an error frame. What each action means
 * lives in its handler.
 * Invariants: a bad frame gets an error frame and the connection keeps serving; only repeated
 * abuse closes it (4008, through `strike`), except two frames that end it at once, after their
 * error frame: a text frame that is not UTF-8 (1007, as RFC 6455 requires; `ws` leaves the check to
 * us so the client hears why) and a malformed `authenticate` before authentication (4001
 * `invalid_frame`: it cannot succeed, and waiting for the auth timeout would only hold the socket).
 * A failing handler answers with an error frame carrying the request's id and never closes the
 * connection (only authentication failures do, in their handler).
 * Every error frame carries `ref` when the offending frame's id can be read: before decoding
 * (too big, over the rate, binary) by `readFrameId`'s bounded scan, so a huge frame costs at most
 * a scan of its first 8 KiB. A rate overrun is a strike only when it ignores the previous
 * `retryAfterMs` (arrives before the time it gave): a client that honours the hint is paced, never closed.
 * Behind each connection's bucket sits its account's (UserRates, limit `user_rate`), shared by the
 * account's sockets on this node; it counts every decoded frame of an authenticated socket except
 * `heartbeat`, so liveness never starves however busy the account's other sockets are. Its
 * refusals are never strikes: a socket cannot know when its account's other sockets let it refill.
 */
import { isUtf8 } from 'node:buffer';
import { type ClientFrame, CloseCode, decodeClientFrame, ErrorCode, HeraldError, readFrameId } from '@herald/protocol';
import type { Logger } from 'pino';
import type { RawData } from 'ws';
import { rateLimited } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';
import type { ActionHandler, ActionRegistry } from './action-registry.js';
import type { Connection } from './connection.js';
import type { UserRates } from './user-rates.js';

export interface FrameRouterOptions {
  actions: ActionRegistry;
  /** Frames past this get a `too_big` error (ws itself cuts far larger ones with 1009). */
  maxFrameBytes: number;
  metrics: Metrics;
  log: Logger;
  /** The per-account frame rate across the account's sockets on this node (none: unlimited). */
  userRates?: UserRates | undefined;
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, part) => n + part.byteLength, 0);
  return data.byteLength;
}

export class FrameRouter {
  private draining = false;
  private running = 0;
  /**
   * When each rate-limited connection may send again, as its last `rate_limited` said. A WeakMap
   * rather than a Connection field: only connections that overran hold an entry, and it goes with them.
   */
  private readonly rateHints = new WeakMap<Connection, number>();

  constructor(private readonly options: FrameRouterOptions) {}

  /** Requests being handled; shutdown waits for them. */
  get inFlight(): number {
    return this.running;
  }

  /** The server is shutting down: from now on only actions marked `whileDraining` are served. */
  drain(): void {
    this.draining = true;
  }

  /** A frame from an open connection (not closing). */
  route(connection: Connection, data: RawData, isBinary: boolean): void {
    const { maxFrameBytes, metrics, actions } = this.options;
    metrics.framesIn.inc({ action: 'any' });
    if (byteLength(data) > maxFrameBytes) {
      connection.sendError(new HeraldError(ErrorCode.TooBig, `frame exceeds ${maxFrameBytes} bytes`), readFrameId(data));
      connection.strike('too big');
      return;
    }
    if (!connection.takeRate()) {
      this.refuseOverRate(connection, data);
      return;
    }
    if (isBinary) {
      connection.sendError(new HeraldError(ErrorCode.InvalidFrame, 'binary frames are not supported; send JSON text'), readFrameId(data));
      connection.strike('binary');
      return;
    }
    if (!isUtf8(Array.isArray(data) ? Buffer.concat(data) : data)) {
      connection.sendError(new HeraldError(ErrorCode.BadJson, 'text frame is not valid UTF-8'), readFrameId(data));
      connection.close(CloseCode.InvalidPayload, 'invalid UTF-8');
      return;
    }
    const decoded = decodeClientFrame(data as Buffer);
    if (!decoded.ok) {
      connection.sendError(decoded.error, decoded.ref);
      if (decoded.action === 'authenticate' && connection.state === 'authenticating') {
        connection.close(CloseCode.Unauthorized, decoded.error.code);
        return;
      }
      connection.strike(decoded.error.code);
      return;
    }
    const frame = decoded.frame;
    const userId = connection.userId;
    if (userId !== undefined && frame.action !== 'heartbeat' && this.options.userRates) {
      const retryAfterMs = this.options.userRates.take(userId);
      if (retryAfterMs > 0) {
        // Never a strike: the account's other sockets spend the same bucket, so no socket can know when it refills.
        connection.sendError(
          rateLimited('user_rate', retryAfterMs, "too many frames from this account's sockets; slow down", metrics),
          frame.id,
        );
        return;
      }
    }
    const handler = actions.get(frame.action);
    if (this.draining && !handler?.whileDraining) {
      connection.sendError(new HeraldError(ErrorCode.Unavailable, 'server shutting down; retry after reconnecting'), frame.id);
      return;
    }
    if (connection.state === 'authenticating' && !handler?.beforeAuthentication) {
      connection.sendError(new HeraldError(ErrorCode.NotAuthenticated, 'send authenticate first'), frame.id);
      connection.strike('unauthenticated');
      return;
    }
    if (!handler) {
      connection.sendError(new HeraldError(ErrorCode.UnknownAction, `"${frame.action}" is not enabled on this server`), frame.id);
      return;
    }
    void this.run(connection, handler, frame);
  }

  /** `rate_limited` with the wait until the next token; a strike only for a frame that came before the previous wait was over. */
  private refuseOverRate(connection: Connection, data: RawData): void {
    const now = Date.now();
    const retryAfterMs = connection.msUntilRate();
    const ignoredHint = now < (this.rateHints.get(connection) ?? 0);
    this.rateHints.set(connection, now + retryAfterMs);
    connection.sendError(
      rateLimited('connection_rate', retryAfterMs, 'too many frames; slow down', this.options.metrics),
      readFrameId(data),
    );
    if (ignoredHint) connection.strike('rate');
  }

  private async run(connection: Connection, handler: ActionHandler, frame: ClientFrame): Promise<void> {
    this.running++;
    try {
      await handler.handle(connection, frame);
    } catch (error) {
      if (error instanceof HeraldError) {
        connection.sendError(error, frame.id);
      } else {
        this.options.log.error({ err: error, action: frame.action, connectionId: connection.id }, 'frame handler failed');
        connection.sendError(new HeraldError(ErrorCode.Internal, 'internal error; retry with the same id'), frame.id);
      }
    } finally {
      this.running--;
    }
  }
}
