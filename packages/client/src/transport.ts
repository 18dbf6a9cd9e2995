/**
 * Transport: one WebSocket, from open through authentication to close.
 * On open it sends `authenticate`; it is ready when `connected` arrives. Frames are decoded with the
 * protocol codec; invalid ones are reported, never thrown.
 * Invariants: `onClose` is called exactly once per transport — from the socket's close event, from
 * the connect timeout, or synchronously from `close()` — and nothing is reported after it, so a
 * dead socket (half-open TCP) can be abandoned without waiting for a close handshake that never comes.
 */
import {
  type ClientFrame,
  type Device,
  decodeServerText,
  ErrorCode,
  HeraldError,
  LocalCloseCode,
  type ServerFrame,
  type ServerFrameOf,
} from '@herald/protocol';
import { SOCKET_OPEN, type TimerHandle, type Timers, type WebSocketConstructor, type WebSocketLike } from './environment.js';
import { newId } from './ids.js';

/** How a transport ended. `error` is the reason when the client knows one (auth refusal, timeout, ...). */
export interface TransportClosed {
  code: number;
  reason: string;
  /** Whether `connected` had arrived. */
  wasReady: boolean;
  error: HeraldError | null;
}

export interface TransportEvents {
  onReady(frame: ServerFrameOf<'connected'>): void;
  onFrame(frame: ServerFrame): void;
  /** Any data arrived, valid or not (liveness). */
  onData(): void;
  onInvalid(error: HeraldError): void;
  onClose(closed: TransportClosed): void;
}

export interface TransportOptions {
  url: string;
  token: string;
  device: Device;
  connectTimeoutMs: number;
}

export class Transport {
  readonly #socket: WebSocketLike;
  #ready = false;
  #closed = false;
  readonly #authId = newId();
  #authError: HeraldError | null = null;
  #connectTimer: TimerHandle | undefined;

  readonly #timers: Timers;
  readonly #options: TransportOptions;
  readonly #events: TransportEvents;
  constructor(WebSocketImpl: WebSocketConstructor, timers: Timers, options: TransportOptions, events: TransportEvents) {
    this.#timers = timers;
    this.#options = options;
    this.#events = events;
    this.#socket = new WebSocketImpl(options.url);
    this.#socket.onopen = () => this.#socketOnOpen();
    this.#socket.onmessage = (event) => this.#socketOnMessage(event.data);
    this.#socket.onclose = (event) =>
      this.#finish({ code: event.code, reason: event.reason, wasReady: this.#ready, error: this.#authError });
    this.#socket.onerror = () => undefined; // a close event always follows
    this.#connectTimer = timers.setTimeout(() => {
      this.close(new HeraldError(ErrorCode.Timeout, `not connected within ${options.connectTimeoutMs} ms`));
    }, options.connectTimeoutMs);
  }

  get isReady(): boolean {
    return this.#ready && !this.#closed;
  }

  /** Send a frame; false when the socket is not open. */
  send(frame: ClientFrame): boolean {
    if (this.#closed || this.#socket.readyState !== SOCKET_OPEN) return false;
    this.#socket.send(JSON.stringify(frame));
    return true;
  }

  /**
   * Abandon the socket now: report `onClose` at once and close the socket without waiting for the
   * peer (a stalled peer would never finish the close handshake). `graceful` sends a normal close
   * (1000) instead of dropping the TCP connection where the implementation can.
   */
  close(error: HeraldError | null, graceful = false): void {
    if (this.#closed) return;
    this.#finish({ code: LocalCloseCode.Abandoned, reason: error?.message ?? 'closed by client', wasReady: this.#ready, error });
    try {
      if (!graceful && this.#socket.terminate) this.#socket.terminate();
      else this.#socket.close(1000, 'client closed');
    } catch {
      // Closing a socket that never opened may throw in some implementations; it is gone either way.
    }
  }

  #socketOnOpen(): void {
    if (this.#closed) return;
    this.send({
      id: this.#authId,
      type: 'control',
      action: 'authenticate',
      data: { token: this.#options.token, device: this.#options.device },
      timestamp: this.#timers.now(),
    });
  }

  #socketOnMessage(data: unknown): void {
    if (this.#closed) return;
    this.#events.onData();
    const decoded = decodeServerText(data);
    if (!decoded.ok) {
      this.#events.onInvalid(decoded.error);
      return;
    }
    const frame = decoded.frame;
    if (!this.#ready) {
      if (frame.action === 'connected') {
        this.#ready = true;
        this.#clearConnectTimer();
        this.#events.onReady(frame);
      } else if (frame.action === 'error' && frame.data.ref === this.#authId) {
        // The server closes with 4001 next; remember why.
        this.#authError = new HeraldError(frame.data.code, frame.data.message, frame.data.details);
      }
      return;
    }
    this.#events.onFrame(frame);
  }

  #finish(closed: TransportClosed): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#clearConnectTimer();
    this.#socket.onopen = null;
    this.#socket.onmessage = null;
    this.#socket.onclose = null;
    // Keep a no-op error listener: `ws` throws on an 'error' event nobody listens to.
    this.#socket.onerror = () => undefined;
    this.#events.onClose(closed);
  }

  #clearConnectTimer(): void {
    if (this.#connectTimer !== undefined) this.#timers.clearTimeout(this.#connectTimer);
    this.#connectTimer = undefined;
  }
}
