/**
 * Gateway: the `/ws` endpoint. Owns the `ws` server, the upgrade (path and Origin checks), each
 * socket's listeners (frames go to the FrameRouter), liveness (through liveness.ts), credential
 * expiry (credential-expiry.ts), and the socket half of graceful shutdown.
 * Upgrades first pass the per-IP limits (upgrade-guard.ts: HTTP 429 before the WebSocket exists).
 * Invariants: only repeated abuse (4008), a hard-cap frame (1009), a text frame that is not UTF-8
 * (1007), bad or expired auth (4001), a foreign Origin (4003), a slow reader (4009), a dead peer
 * (4010) or one socket past the account's cap (4029, session-actions.ts) ends a connection (and `ws` itself on a broken WebSocket frame: 1002, 1008); no closures, Maps
 * or promises per idle connection (see GatewaySocket).
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode } from '@herald/protocol';
import type { Logger } from 'pino';
import { type RawData, WebSocket, WebSocketServer } from 'ws';
import type { Metrics } from '../metrics.js';
import { Connection, type ConnectionLimits } from './connection.js';
import { CredentialExpiry } from './credential-expiry.js';
import type { FrameRouter } from './frame-router.js';
import { Liveness } from './liveness.js';
import type { LocalSessions } from './local-sessions.js';
import { type OriginPolicyOptions, originAllowed } from './origin-policy.js';
import type { UpgradeGuard, UpgradeVerdict } from './upgrade-guard.js';
import { keepFragmentListYoung } from './ws-internals.js';

export interface GatewayOptions {
  path: string;
  maxFrameBytes: number;
  limits: ConnectionLimits;
  origins: OriginPolicyOptions;
  authTimeoutMs: number;
  pingIntervalMs: number;
  /** How long past its access token's expiry a socket may stay open without `reauthenticate`. */
  tokenGraceMs: number;
  /** The per-IP limits every upgrade passes first. */
  upgrades: UpgradeGuard;
}

const ignoreError = (): void => {};

/** Frames past this are cut by `ws` itself with 1009; frames between maxFrameBytes and it get a `too_big` error. */
function hardCap(maxFrameBytes: number): number {
  return Math.max(maxFrameBytes * 4, 256 * 1024);
}

/**
 * ws's WebSocket carrying the Connection it serves. The socket's listeners are then four functions
 * shared by every socket (they find their connection through `this`) instead of four closures and
 * a context per socket (about 270 bytes of every idle connection's heap).
 */
class GatewaySocket extends WebSocket {
  connection?: Connection;
}

interface SocketListeners {
  close(this: GatewaySocket): void;
  error(this: GatewaySocket, error: Error): void;
  pong(this: GatewaySocket): void;
  message(this: GatewaySocket, data: RawData, isBinary: boolean): void;
}

export class Gateway {
  private readonly wss: WebSocketServer;
  private readonly connections = new Set<Connection>();
  private readonly liveness: Liveness<Connection>;
  private readonly credentialExpiry: CredentialExpiry<Connection>;
  private readonly listeners: SocketListeners;
  private accepting = true;

  constructor(
    private readonly options: GatewayOptions,
    private readonly router: FrameRouter,
    private readonly sessions: LocalSessions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    // perMessageDeflate off: it costs CPU and memory per socket for little gain on small chat frames.
    // skipUTF8Validation: the FrameRouter checks text frames itself (the same check), so a client
    // whose frame is not UTF-8 gets an error frame naming it before the 1007 close, not a bare close.
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: hardCap(options.maxFrameBytes),
      perMessageDeflate: false,
      skipUTF8Validation: true,
      WebSocket: GatewaySocket,
    });
    this.listeners = this.socketListeners();
    this.liveness = new Liveness(this.connections, {
      authTimeoutMs: options.authTimeoutMs,
      pingIntervalMs: options.pingIntervalMs,
      onDead: (connection) => this.log.debug({ connectionId: connection.id }, 'dropping unresponsive socket'),
    });
    this.credentialExpiry = new CredentialExpiry(this.connections, {
      graceMs: options.tokenGraceMs,
      onExpired: (connection) => this.log.debug({ connectionId: connection.id }, 'closing socket: access token expired'),
    });
    // An authenticated socket no longer counts against its IP's pending sockets.
    sessions.listen({ added: (connection) => options.upgrades.settled(connection) });
  }

  /** Route HTTP upgrades on `path` to this gateway. */
  attach(server: Server): void {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== this.options.path) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      if (!this.accepting) {
        socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      void this.admit(request, socket, head);
    });
  }

  /** The per-IP limits, then the WebSocket handshake; a refusal is an HTTP 429 with Retry-After. */
  private async admit(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const { upgrades } = this.options;
    // Until ws takes the socket (it listens for errors itself), a peer reset while we wait must not
    // be an unhandled 'error' event.
    socket.on('error', ignoreError);
    let verdict: UpgradeVerdict;
    try {
      verdict = await upgrades.admit(request);
    } catch (error) {
      this.log.error({ err: error }, 'upgrade check failed');
      socket.destroy();
      return;
    }
    if (!verdict.ok) {
      const body = JSON.stringify({ error: { code: verdict.error.code, message: verdict.error.message, details: verdict.error.details } });
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nRetry-After: ${Math.ceil(verdict.retryAfterMs / 1000)}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      return;
    }
    // ws completes a handshake synchronously (no verifyClient) or not at all, so the reservation is
    // bound or returned before anything else can run.
    socket.off('error', ignoreError);
    let opened = false;
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      opened = true;
      upgrades.opened(this.onConnection(ws, request), verdict.ip);
    });
    if (!opened) upgrades.cancel(verdict.ip);
  }

  get size(): number {
    return this.connections.size;
  }

  /** Every open connection (for stats and device listings). */
  all(): ReadonlySet<Connection> {
    return this.connections;
  }

  /** The listeners of every socket; each finds its connection on the socket it is called on. */
  private socketListeners(): SocketListeners {
    const gateway = this;
    return {
      close() {
        if (this.connection) gateway.onClose(this.connection);
      },
      error(error) {
        gateway.log.debug({ err: error, connectionId: this.connection?.id }, 'socket error');
      },
      pong() {
        this.connection?.heard();
      },
      message(data, isBinary) {
        if (this.connection) gateway.onFrame(this.connection, data, isBinary);
      },
    };
  }

  private onConnection(ws: WebSocket, request: IncomingMessage): Connection {
    const connection = new Connection(ws, this.options.limits, this.metrics, this.log);
    // Always a GatewaySocket: the server is made with `WebSocket: GatewaySocket`.
    (ws as GatewaySocket).connection = connection;
    this.connections.add(connection);
    this.metrics.connections.inc();
    ws.on('close', this.listeners.close);
    ws.on('error', this.listeners.error);
    ws.on('pong', this.listeners.pong);
    if (!originAllowed(request, this.options.origins)) {
      this.log.warn({ origin: request.headers.origin, remote: request.socket.remoteAddress }, 'refused: origin not allowed');
      connection.close(CloseCode.Forbidden, 'origin not allowed');
      return connection;
    }
    keepFragmentListYoung(ws);
    ws.on('message', this.listeners.message);
    return connection;
  }

  private onClose(connection: Connection): void {
    connection.closed();
    this.options.upgrades.settled(connection);
    this.connections.delete(connection);
    this.sessions.remove(connection);
    this.metrics.connections.dec();
  }

  private onFrame(connection: Connection, data: RawData, isBinary: boolean): void {
    connection.heard();
    if (connection.state === 'closing' || connection.state === 'closed') return;
    this.router.route(connection, data, isBinary);
  }

  /** Refuse new sockets from now on (upgrades answer 503); sockets already open keep being served. */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * Graceful stop: refuse new sockets, let in-flight requests finish (bounded) so each accepted
   * message is committed and acked on the socket it came from, then close every socket with 1001
   * (each at a random moment within `spreadMs`, so its clients do not all reconnect elsewhere in the
   * same millisecond) and wait for them to go. Frames arriving after the drain starts are refused
   * with `unavailable`; clients resend them after reconnecting.
   */
  async shutdown(options: { timeoutMs?: number; spreadMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const spreadMs = Math.max(0, Math.min(options.spreadMs ?? 0, timeoutMs / 2));
    this.stopAccepting();
    this.router.drain();
    this.liveness.stop();
    this.credentialExpiry.stop();
    const deadline = Date.now() + timeoutMs;
    while (this.router.inFlight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const timers: NodeJS.Timeout[] = [];
    const closed = [...this.connections].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.socket.readyState === WebSocket.CLOSED) return resolve();
          c.socket.once('close', () => resolve());
          const goAway = () => c.close(CloseCode.GoingAway, 'server shutting down');
          if (spreadMs === 0) goAway();
          else timers.push(setTimeout(goAway, Math.floor(Math.random() * spreadMs)));
        }),
    );
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise((resolve) => {
        timeout = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      }),
    ]);
    clearTimeout(timeout);
    for (const timer of timers) clearTimeout(timer);
    for (const c of this.connections) c.socket.terminate();
    this.wss.close();
  }
}
