/**
 * HeraldClient: one logical connection to a Herald gateway, kept alive across failures.
 * It wires the single-purpose parts together: Transport (one socket), ConnectionStateStore (status),
 * ReconnectScheduler + backoff, Heartbeat, PendingRequests, DispatchQueue -> HandlerRegistry,
 * Subscriptions (gapless resume) and Outbox (ordered, idempotent sends).
 * Invariants:
 * - At most one transport at a time; events of a replaced transport are ignored (`generation`).
 * - After an auth refusal (4001/4003) the credential provider is asked once more (`refresh: true`)
 *   and one attempt is made; a second refusal ends in status `error`, never in a retry loop.
 * - `disconnect()` stops every retry; `dispose()` also rejects every pending promise with
 *   `disconnected` and leaves no timer or listener behind.
 */
import {
  AUTH_CLOSE_CODES,
  ErrorCode,
  HeraldError,
  HISTORY_PAGE_MAX,
  type RequestAction,
  type RequestResult,
  type SendMessageResult,
  type ServerAction,
  type ServerFrame,
  type ServerFrameOf,
} from '@herald/protocol';
import { backoffDelay } from './backoff.js';
import {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  type ErrorContext,
  type HeraldClientOptions,
  type ResolvedOptions,
  resolveOptions,
} from './client-options.js';
import { type ConnectionState, ConnectionStateStore, type ConnectionStatus } from './connection-state.js';
import { DispatchQueue } from './dispatch-queue.js';
import { type Environment, resolveEnvironment } from './environment.js';
import { buildFrame, type MessageContent, parseResult, type RequestInput } from './frames.js';
import { type AnyFrameHandler, type FrameHandler, HandlerRegistry } from './handler-registry.js';
import { Heartbeat } from './heartbeat.js';
import { newId } from './ids.js';
import { Outbox } from './outbox.js';
import { MemoryOutboxStore, type OutboxFrame, type OutboxRecord } from './outbox-store.js';
import { PendingRequests } from './pending-requests.js';
import { ReconnectScheduler } from './reconnect.js';
import { RefCount } from './ref-count.js';
import { type SubscribeResult, Subscriptions } from './subscriptions.js';
import { Transport, type TransportClosed } from './transport.js';

/** Per-request options. */
export interface RequestOptions {
  /** Frame id (the idempotency key of `send_message`); default a new UUID. */
  id?: string;
  /** Overrides `requestTimeoutMs`. */
  timeoutMs?: number;
}

/** Error codes in a refusal frame that mean "this credential will not do". */
const AUTH_ERRORS: readonly string[] = [ErrorCode.Unauthorized, ErrorCode.TokenExpired, ErrorCode.Forbidden];

const disconnected = (message: string) => new HeraldError(ErrorCode.Disconnected, message);

export class HeraldClient {
  private readonly env: Environment;
  private readonly config: ResolvedOptions;
  private readonly state = new ConnectionStateStore();
  private readonly registry: HandlerRegistry;
  private readonly queue: DispatchQueue<ServerFrame>;
  private readonly pending: PendingRequests;
  private readonly scheduler: ReconnectScheduler;
  private readonly heartbeat: Heartbeat;
  private readonly outbox: Outbox;
  private readonly subscriptions: Subscriptions;
  private readonly refs: RefCount;
  private readonly stopListening: (() => void)[];
  private transport: Transport | null = null;
  /** Bumped whenever the current attempt is superseded; async steps of older attempts stop. */
  private generation = 0;
  private authRetried = false;
  private disposed = false;

  constructor(private readonly options: HeraldClientOptions) {
    this.env = resolveEnvironment(options);
    this.config = resolveOptions(options);
    const { timers } = this.env;
    this.registry = new HandlerRegistry((error, action) => this.report(error, { source: 'handler', detail: action }));
    this.queue = new DispatchQueue<ServerFrame>(
      timers,
      this.config.dispatch,
      (frame) => this.dispatch(frame),
      (count) =>
        this.report(
          new HeraldError(ErrorCode.RateLimited, `dispatch queue full: dropped the ${count} oldest frames`, {
            reason: 'dispatch_overflow',
            dropped: count,
          }),
          { source: 'dispatch' },
        ),
    );
    this.pending = new PendingRequests(timers);
    this.scheduler = new ReconnectScheduler(timers, this.env.online);
    this.heartbeat = new Heartbeat(
      timers,
      () => this.transport?.send({ id: newId(), type: 'heartbeat', action: 'heartbeat', data: {}, timestamp: timers.now() }),
      () => this.transport?.close(new HeraldError(ErrorCode.Timeout, 'no reply to heartbeat: connection presumed dead')),
    );
    this.outbox = new Outbox({
      timers,
      store: options.outbox?.store ?? new MemoryOutboxStore(),
      capacity: this.config.outboxCapacity,
      transmit: (frame) => this.transmit(frame).then((result) => parseResult('send_message', result)),
      isConnected: () => this.isReady,
      report: (error) => this.report(error, { source: 'outbox' }),
    });
    this.subscriptions = new Subscriptions({
      timers,
      gapTimeoutMs: this.config.gapTimeoutMs,
      subscribe: (conversationId, since) => this.request('subscribe', since === undefined ? { conversationId } : { conversationId, since }),
      history: (conversationId, after) => this.request('history', { conversationId, after, limit: HISTORY_PAGE_MAX }),
      isConnected: () => this.isReady,
      deliver: (frame) => this.registry.dispatch(frame),
      report: (error, conversationId) => this.report(error, { source: 'subscription', detail: conversationId }),
    });
    this.refs = new RefCount(
      timers,
      this.config.releaseGraceMs,
      () => void this.connect().catch(() => undefined),
      () => this.disconnect(),
    );
    const wake = (awake: boolean) => awake && this.wake();
    this.stopListening = [this.env.visibility.subscribe(wake), this.env.online.subscribe(wake)];
    void this.outbox.restore();
  }

  // ---- state ----

  /** The current state snapshot (same object until it changes; fits useSyncExternalStore). */
  getState = (): ConnectionState => this.state.getState();

  /** Listen to state changes; returns an unsubscribe function. */
  subscribe = (listener: (state: ConnectionState, previous: ConnectionState) => void): (() => void) => this.state.subscribe(listener);

  // ---- handlers ----

  /** Handle one kind of server frame; returns an unsubscribe function. */
  on<A extends ServerAction>(action: A, handler: FrameHandler<A>): () => void {
    return this.registry.on(action, handler);
  }

  /** Handle every server frame; returns an unsubscribe function. */
  onAny(handler: AnyFrameHandler): () => void {
    return this.registry.onAny(handler);
  }

  /** Registered handlers (leak checks). */
  get handlerCount(): number {
    return this.registry.count;
  }

  // ---- lifecycle ----

  /** Connect (if not already); resolves once authenticated and ready, rejects if it ends in `error` or `disconnected`. */
  connect(): Promise<void> {
    if (this.disposed) return Promise.reject(disconnected('client disposed'));
    const { status } = this.state.getState();
    if (status === 'connected') return Promise.resolve();
    if (status === 'disconnected' || status === 'error') this.start();
    return this.whenReady();
  }

  /** Start over after `error` (or try at once while reconnecting), with a fresh attempt budget. */
  reconnect(): Promise<void> {
    if (this.state.getState().status === 'reconnecting') {
      this.state.update({ reconnectAttempts: 0 });
      this.scheduler.runNow();
      return this.whenReady();
    }
    return this.connect();
  }

  /** Close the connection and stop reconnecting. Queued messages and subscriptions wait for the next connect. */
  disconnect(): void {
    this.generation++;
    this.scheduler.cancel();
    this.heartbeat.stop();
    const transport = this.transport;
    this.transport = null;
    transport?.close(null, true);
    this.pending.rejectAll(disconnected('disconnected by the client'));
    const current = this.state.getState();
    if (current.status !== 'disconnected') {
      this.state.transition('disconnected', {
        lastDisconnected: current.status === 'connected' ? this.env.timers.now() : current.lastDisconnected,
        reconnectAttempts: 0,
        nextRetryAt: null,
      });
    }
  }

  /** Disconnect and release everything: timers, listeners, handlers; pending promises reject with `disconnected`. */
  dispose(): void {
    if (this.disposed) return;
    this.disconnect();
    this.disposed = true;
    const error = disconnected('client disposed');
    this.pending.rejectAll(error);
    this.outbox.dispose(error);
    this.subscriptions.clear(error);
    this.queue.clear();
    this.registry.clear();
    this.refs.clear();
    this.scheduler.dispose();
    this.heartbeat.stop();
    for (const stop of this.stopListening) stop();
    this.state.clear();
  }

  /** Share the connection: the first acquire connects, the last release disconnects after a grace period. */
  acquire(): () => void {
    if (this.disposed) return () => undefined;
    return this.refs.acquire();
  }

  // ---- requests ----

  /** Send a request; resolves with the server's validated ack result, rejects with a HeraldError. */
  request<A extends RequestAction>(action: A, data: RequestInput<A>, options: RequestOptions = {}): Promise<RequestResult<A>> {
    try {
      if (action === 'send_message') {
        return this.queueMessage(buildFrame('send_message', 'text', data, options.id ?? newId(), this.env.timers.now())) as Promise<
          RequestResult<A>
        >;
      }
      const frame = buildFrame(action, 'control', data, options.id ?? newId(), this.env.timers.now());
      return this.transmit(frame, options.timeoutMs).then((result) => parseResult(action, result));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Alias of `request`. */
  send<A extends RequestAction>(action: A, data: RequestInput<A>, options?: RequestOptions): Promise<RequestResult<A>> {
    return this.request(action, data, options);
  }

  /**
   * Send a message through the outbox: queued while disconnected, sent in order, never duplicated.
   * Pass `options.id` to know the client id up front (it comes back as `clientId` on the message).
   */
  sendMessage(conversationId: string, content: MessageContent, options: Pick<RequestOptions, 'id'> = {}): Promise<SendMessageResult> {
    const { type = 'text', ...rest } = content;
    try {
      const data = { conversationId, text: '', ...rest };
      return this.queueMessage(buildFrame('send_message', type, data, options.id ?? newId(), this.env.timers.now()));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Messages waiting in the outbox, oldest first. */
  pendingMessages(): OutboxRecord[] {
    return this.outbox.pending();
  }

  /**
   * Follow a conversation: its messages reach `new_message` handlers exactly once, in seq order,
   * across reconnects. `since` = the last seq the app already has (default: from now on).
   */
  subscribeConversation(conversationId: string, options: { since?: number } = {}): Promise<SubscribeResult> {
    if (this.disposed) return Promise.reject(disconnected('client disposed'));
    return this.subscriptions.add(conversationId, options.since);
  }

  /** Stop following a conversation. */
  async unsubscribeConversation(conversationId: string): Promise<void> {
    const followed = this.subscriptions.remove(conversationId, disconnected('unsubscribed'));
    if (followed && this.isReady) await this.request('unsubscribe', { conversationId });
  }

  /** The last seq delivered to handlers for a followed conversation. */
  lastSeq(conversationId: string): number | null {
    return this.subscriptions.lastSeq(conversationId);
  }

  // ---- internals ----

  private get isReady(): boolean {
    return this.transport?.isReady === true && this.state.getState().status === 'connected';
  }

  private queueMessage(frame: OutboxFrame): Promise<SendMessageResult> {
    if (this.disposed) return Promise.reject(disconnected('client disposed'));
    return this.outbox.add(frame);
  }

  private transmit(frame: Parameters<Transport['send']>[0], timeoutMs = this.config.requestTimeoutMs): Promise<unknown> {
    const transport = this.transport;
    if (!transport || !this.isReady) return Promise.reject(disconnected('not connected'));
    const reply = this.pending.add(frame.id, timeoutMs);
    if (!transport.send(frame)) this.pending.rejectAll(disconnected('connection lost'));
    return reply;
  }

  private start(): void {
    this.authRetried = false;
    this.state.transition('connecting', { reconnectAttempts: 0, error: null, nextRetryAt: null });
    void this.openAttempt(false);
  }

  private async openAttempt(refresh: boolean): Promise<void> {
    const generation = ++this.generation;
    this.state.update({ nextRetryAt: null });
    const WebSocketImpl = this.env.WebSocket;
    if (!WebSocketImpl) return this.fail(new HeraldError(ErrorCode.Unavailable, 'no WebSocket constructor: pass options.WebSocket'));
    let token: string;
    try {
      token = await this.options.credentials({ refresh });
    } catch (error) {
      if (generation !== this.generation) return;
      if (error instanceof HeraldError && AUTH_ERRORS.includes(error.code)) return this.fail(error);
      return this.retryLater(new HeraldError(ErrorCode.Unavailable, `credential provider failed: ${String(error)}`, { cause: error }));
    }
    if (generation !== this.generation) return;
    try {
      const transport: Transport = new Transport(
        WebSocketImpl,
        this.env.timers,
        { url: this.options.url, token, device: this.options.device, connectTimeoutMs: this.config.connectTimeoutMs },
        {
          onReady: (frame) => this.transport === transport && this.onReady(frame),
          onFrame: (frame) => this.transport === transport && this.onFrame(frame),
          onData: () => this.heartbeat.frameReceived(),
          onInvalid: (error) => this.report(error, { source: 'frame' }),
          onClose: (closed) => this.transport === transport && this.onClosed(closed),
        },
      );
      this.transport = transport;
    } catch (error) {
      this.fail(new HeraldError(ErrorCode.Unavailable, `cannot open a socket to ${this.options.url}: ${String(error)}`, { cause: error }));
    }
  }

  private onReady(frame: ServerFrameOf<'connected'>): void {
    this.authRetried = false;
    this.moveTo('connected', { lastConnected: this.env.timers.now(), reconnectAttempts: 0, error: null, nextRetryAt: null });
    const intervalMs = this.config.heartbeatIntervalMs ?? frame.data.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.heartbeat.start({ intervalMs, timeoutMs: this.config.heartbeatTimeoutMs });
    this.queue.push(frame);
    this.subscriptions.resubscribeAll();
    this.outbox.flush();
  }

  private onFrame(frame: ServerFrame): void {
    if (frame.action === 'ack' || frame.action === 'error') this.pending.reply(frame);
    this.queue.push(frame);
  }

  private onClosed(closed: TransportClosed): void {
    this.transport = null;
    this.heartbeat.stop();
    this.pending.rejectAll(disconnected('connection lost'));
    const now = this.env.timers.now();
    const patch = closed.wasReady ? { lastDisconnected: now } : {};
    const refused = AUTH_CLOSE_CODES.includes(closed.code) || (closed.error !== null && AUTH_ERRORS.includes(closed.error.code));
    const error =
      closed.error ??
      new HeraldError(refused ? ErrorCode.Unauthorized : ErrorCode.Disconnected, `connection closed (${closed.code} ${closed.reason})`, {
        code: closed.code,
        reason: closed.reason,
      });
    if (!refused) {
      this.retryLater(error, patch);
      return;
    }
    if (this.authRetried) {
      this.fail(error);
      return;
    }
    // One refresh and one retry, at once: backing off would not make a refused token valid.
    this.authRetried = true;
    this.moveTo(closed.wasReady ? 'reconnecting' : this.state.getState().status, { ...patch, error });
    void this.openAttempt(true);
  }

  private retryLater(error: HeraldError, patch: Partial<ConnectionState> = {}): void {
    const attempts = this.state.getState().reconnectAttempts;
    const policy = this.config.backoff;
    if (attempts >= policy.maxAttempts) {
      const message = `gave up after ${attempts} reconnect attempts: ${error.message}`;
      this.fail(new HeraldError(ErrorCode.Unavailable, message, { last: error.toJSON() }), patch);
      return;
    }
    const attempt = attempts + 1;
    const due = this.scheduler.schedule(backoffDelay(attempt, policy, this.env.random), () => void this.openAttempt(false));
    this.moveTo('reconnecting', { ...patch, error, reconnectAttempts: attempt, nextRetryAt: due });
  }

  private fail(error: HeraldError, patch: Partial<ConnectionState> = {}): void {
    this.generation++;
    this.scheduler.cancel();
    this.heartbeat.stop();
    const transport = this.transport;
    this.transport = null;
    transport?.close(error);
    this.pending.rejectAll(disconnected('connection failed'));
    this.moveTo('error', { ...patch, error, nextRetryAt: null });
  }

  private moveTo(status: ConnectionStatus, patch: Partial<ConnectionState>): void {
    const { status: _ignored, ...rest } = patch;
    if (this.state.getState().status === status) this.state.update(rest);
    else this.state.transition(status, rest);
  }

  /** Page visible again, or network back: check a live socket at once, or retry at once. */
  private wake(): void {
    const { status } = this.state.getState();
    if (status === 'connected') this.heartbeat.probe();
    else if (status === 'reconnecting') this.scheduler.runNow();
  }

  private dispatch(frame: ServerFrame): void {
    if (frame.action === 'new_message' && this.subscriptions.handle(frame)) return;
    this.registry.dispatch(frame);
  }

  private whenReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (state: ConnectionState): boolean => {
        if (state.status === 'connected') resolve();
        else if (state.status === 'error') reject(state.error ?? new HeraldError(ErrorCode.Unavailable, 'connection failed'));
        else if (state.status === 'disconnected') reject(disconnected('disconnected before the connection was ready'));
        else return false;
        return true;
      };
      if (settle(this.state.getState())) return;
      const stop = this.state.subscribe((state) => {
        if (settle(state)) stop();
      });
    });
  }

  private report(error: HeraldError, context: ErrorContext): void {
    try {
      this.options.onError?.(error, context);
    } catch {
      // The error hook must never break the client.
    }
  }
}

/** Create a client (nothing happens on the network until `connect()` or `acquire()`). */
export function createClient(options: HeraldClientOptions): HeraldClient {
  return new HeraldClient(options);
}
