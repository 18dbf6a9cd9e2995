/**
 * RequestDeadlines: drops HTTP clients that send a request body too slowly (slowloris on the body),
 * with a different rule for streamed uploads, which Node's own `server.requestTimeout` (one
 * deadline for every request on the server) cannot express.
 * Rules, checked every `checkIntervalMs` for each request whose body has not fully arrived:
 * - an ordinary request's body must arrive within `requestTimeoutMs` of its headers (the headers
 *   themselves are bounded by Node's `headersTimeout`);
 * - a streamed upload (a route whose config has `streamedUpload: true`) may take as long as it
 *   needs while it keeps moving: it is dropped when fewer than `uploadMinBytesPerSecond` × the
 *   window bytes arrived during any window of `uploadIdleTimeoutMs` (so 500 MiB over a slow but
 *   live link gets through, and a trickle of a byte now and then does not hold a connection).
 * A dropped request gets `408` (`timeout`) when no answer has started, then its connection is
 * destroyed; the drop is counted in `herald_limit_rejections_total` (`http_request_timeout`,
 * `http_upload_stalled`). WebSocket upgrades never pass through here (they leave the HTTP server
 * at the upgrade), so long-lived sockets are untouched.
 * Invariant: an entry is forgotten as soon as its body is complete or its socket closed; nothing
 * here keeps a request alive.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route streams a large body to disk as it arrives: it gets the upload progress rule, not the request deadline. */
    streamedUpload?: boolean;
  }
}

export interface RequestDeadlineOptions {
  requestTimeoutMs: number;
  uploadIdleTimeoutMs: number;
  uploadMinBytesPerSecond: number;
  checkIntervalMs: number;
}

interface PendingRequest {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  upload: boolean;
  /** Ordinary requests: when the headers were complete. Uploads: when the current progress window began. */
  since: number;
  /** Uploads: the socket's bytesRead when the current window began. */
  bytesAtWindowStart: number;
}

const TIMEOUT_BODY = JSON.stringify({ error: { code: 'timeout', message: 'the request body did not arrive in time' } });
const TIMEOUT_RESPONSE =
  'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(TIMEOUT_BODY)}\r\n\r\n${TIMEOUT_BODY}`;

export class RequestDeadlines {
  private readonly pending = new Set<PendingRequest>();
  private readonly byRequest = new WeakMap<IncomingMessage, PendingRequest>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly options: RequestDeadlineOptions,
    private readonly metrics: Pick<Metrics, 'limitRejections'>,
  ) {
    this.timer = setInterval(() => this.sweep(Date.now()), options.checkIntervalMs);
    this.timer.unref();
  }

  /**
   * Watch every request of `app` from its headers on. Tracked at the Node server's `request` event,
   * ahead of Fastify: a request answered early by a hook (a 429 from a rate limit, a 401) while its
   * body is still arriving would otherwise keep its connection as long as the client trickles.
   * Fastify's `onRequest` then tells uploads apart (their route's config).
   */
  install(app: FastifyInstance): void {
    app.server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => this.track(request, response, false));
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.routeOptions.config?.streamedUpload === true) {
        const entry = this.byRequest.get(request.raw);
        if (entry) {
          entry.upload = true;
          entry.since = Date.now();
          entry.bytesAtWindowStart = entry.socket.bytesRead;
        }
      }
      done();
    });
  }

  /** Watch one request until its body is complete. */
  track(request: IncomingMessage, response: ServerResponse, upload: boolean): void {
    if (request.complete) return;
    const { socket } = request;
    const entry: PendingRequest = { request, response, socket, upload, since: Date.now(), bytesAtWindowStart: socket.bytesRead };
    this.pending.add(entry);
    this.byRequest.set(request, entry);
  }

  /** Requests still waiting for their body (for tests and stats). */
  get size(): number {
    return this.pending.size;
  }

  /** One pass over the pending requests: forget the finished, drop the late. */
  sweep(now: number): void {
    const { requestTimeoutMs, uploadIdleTimeoutMs, uploadMinBytesPerSecond } = this.options;
    for (const entry of this.pending) {
      if (entry.request.complete || entry.socket.destroyed) {
        this.pending.delete(entry);
      } else if (!entry.upload) {
        if (now - entry.since >= requestTimeoutMs) this.drop(entry, 'http_request_timeout');
      } else if (now - entry.since >= uploadIdleTimeoutMs) {
        const arrived = entry.socket.bytesRead - entry.bytesAtWindowStart;
        const needed = Math.max(1, Math.floor((uploadMinBytesPerSecond * (now - entry.since)) / 1000));
        if (arrived < needed) this.drop(entry, 'http_upload_stalled');
        else {
          entry.since = now;
          entry.bytesAtWindowStart = entry.socket.bytesRead;
        }
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
    this.pending.clear();
  }

  private drop(entry: PendingRequest, limit: string): void {
    this.pending.delete(entry);
    this.metrics.limitRejections.inc({ limit });
    const { socket } = entry;
    // A client that is still sending may read an answer; one that started getting a reply just loses the connection.
    if (!entry.response.headersSent && socket.writable) socket.end(TIMEOUT_RESPONSE, () => socket.destroy());
    else socket.destroy();
    // A peer that never reads must not keep the socket half-closed: it goes after a short grace either way.
    setTimeout(() => socket.destroy(), 1_000).unref();
  }
}
