/**
 * HeraldClient: the public face of the SDK. It wires the single-purpose parts together:
 * ConnectionManager (socket, status, backoff, auth refresh), CredentialRenewal (in band, ahead of
 * the token's expiry), Heartbeat, PendingRequests,
 * DispatchQueue -> HandlerRegistry, Subscriptions (gapless resume), Outbox (ordered, idempotent
 * sends) and RefCount (sharing). Invariants: handlers never run inside a socket event (the queue
 * decouples them); `disconnect()` stops every retry; `dispose()` also rejects every pending promise
 * with `disconnected` and leaves no timer, listener or handler behind.
 * (Just over 300 lines: it is the SDK's whole public surface, each method a few lines delegating
 * to one of the parts above; splitting it would scatter the API, not the logic.)
 */
import {
  DELIVERY_CONFIRM_INTERVAL_MS,
  type DeleteMessageResult,
  type EditMessageResult,
  ErrorCode,
  HeraldError,
  HISTORY_PAGE_MAX,
  type HistoryResult,
  type Message,
  type ReactResult,
  type RequestAction,
  type RequestResult,
  type SearchResult,
  type SendMessageResult,
  type ServerAction,
  type ServerFrame,
} from '@herald/protocol';
import {
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  type ErrorContext,
  type HeraldClientOptions,
  type ResolvedOptions,
  resolveOptions,
} from './client-options.js';
import { ConnectionManager } from './connection-manager.js';
import type { ConnectionSharing, SharingRole } from './connection-sharing.js';
import type { ConnectionState } from './connection-state.js';
import { isStreamFrame } from './conversation-sequencer.js';
import { CredentialRenewal } from './credential-renewal.js';
import { DeliveryConfirmer } from './delivery-confirmer.js';
import { DispatchQueue } from './dispatch-queue.js';
import { type Environment, resolveEnvironment, type WebSocketConstructor } from './environment.js';
import { buildFrame, type MessageContent, parseResult, type RequestInput } from './frames.js';
import { type AnyFrameHandler, type FrameHandler, HandlerRegistry } from './handler-registry.js';
import { Heartbeat } from './heartbeat.js';
import { newId } from './ids.js';
import { defaultOutboxStore } from './indexeddb-outbox-store.js';
import { Outbox } from './outbox.js';
import type { OutboxFrame, OutboxRecord } from './outbox-store.js';
import { MIGRATING_ACTIONS, PendingRequests } from './pending-requests.js';
import { RefCount } from './ref-count.js';
import { SendPacer } from './send-pacer.js';
import { type SubscribeResult, Subscriptions } from './subscriptions.js';
import type { Transport } from './transport.js';

/** Frames that keep a conversation list right (conversation_added/updated, member_removed, user_changed): never dropped on overflow. */
const LIST_EVENTS: ReadonlySet<ServerAction> = new Set<ServerAction>([
  'conversation_added',
  'conversation_updated',
  'member_removed',
  'user_changed',
]);

/** Per-request options. */
export interface RequestOptions {
  /** Frame id (the idempotency key of `send_message`); default a new UUID. */
  id?: string;
  /** Overrides `requestTimeoutMs`. */
  timeoutMs?: number;
}

const disconnected = (message: string) => new HeraldError(ErrorCode.Disconnected, message);

export class HeraldClient {
  readonly #env: Environment;
  readonly #config: ResolvedOptions;
  readonly #connection: ConnectionManager;
  readonly #registry: HandlerRegistry;
  readonly #queue: DispatchQueue<ServerFrame>;
  readonly #pending: PendingRequests;
  readonly #heartbeat: Heartbeat;
  readonly #renewal: CredentialRenewal;
  readonly #outbox: Outbox;
  /** The server's rate, as `connected` advertised it: every frame spends from it, the outbox waits for it. */
  readonly #pacer: SendPacer;
  readonly #subscriptions: Subscriptions;
  readonly #refs: RefCount;
  readonly #deliveries: DeliveryConfirmer;
  readonly #stopListening: (() => void)[];
  /** The other tabs' share of one socket (null: this client has its own). */
  readonly #sharing: ConnectionSharing | null;
  #sharingRole: SharingRole = 'idle';
  /** The signed-in user (from the last `connected`): a `member_removed` about them ends a subscription. */
  #userId: string | null = null;
  #disposed = false;

  readonly #options: HeraldClientOptions;
  constructor(options: HeraldClientOptions) {
    this.#options = options;
    const env = resolveEnvironment(options);
    const sharing = options.shareConnection || null;
    const Real = env.WebSocket;
    this.#sharing = sharing;
    // Shared: the socket depends on the tab's role when it opens (a constructor may return another
    // object; a `function`, as `new` refuses an arrow function).
    const Shared = function SharedSocket(url: string) {
      return sharing?.open(url, Real as WebSocketConstructor);
    } as unknown as WebSocketConstructor;
    this.#env = sharing && Real ? { ...env, WebSocket: Shared } : env;
    this.#config = resolveOptions(options);
    const { timers } = this.#env;
    this.#registry = new HandlerRegistry((error, action) => this.#report(error, { source: 'handler', detail: action }));
    this.#queue = new DispatchQueue<ServerFrame>(
      timers,
      this.#config.dispatch,
      (frame) => this.#dispatch(frame),
      (count) =>
        this.#report(
          new HeraldError(ErrorCode.QueueFull, `dispatch queue full: dropped the ${count} oldest frames`, {
            reason: 'dispatch_overflow',
            dropped: count,
          }),
          { source: 'dispatch' },
        ),
    );
    // A request slow to be answered makes the socket suspect: probe it with a short deadline.
    this.#pending = new PendingRequests(timers, () => this.#isReady && this.#heartbeat.probe(this.#config.probeTimeoutMs));
    this.#heartbeat = new Heartbeat(
      timers,
      () => this.#connection.sendRaw({ id: newId(), type: 'heartbeat', action: 'heartbeat', data: {}, timestamp: timers.now() }),
      () => this.#connection.abandon(new HeraldError(ErrorCode.Timeout, 'no reply to heartbeat: connection presumed dead')),
    );
    this.#renewal = new CredentialRenewal({
      timers,
      random: this.#env.random,
      freshToken: () => options.credentials({ refresh: true, reason: 'renew' }),
      reauthenticate: (token) => this.request('reauthenticate', { token }),
      report: (error) => this.#report(error, { source: 'connection' }),
    });
    this.#connection = new ConnectionManager(this.#env, this.#config, options, {
      onReady: (frame) => {
        const intervalMs = this.#config.heartbeatIntervalMs ?? frame.data.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
        this.#heartbeat.start({ intervalMs, timeoutMs: this.#config.heartbeatTimeoutMs });
        this.#renewal.start(frame.data);
        this.#queue.push(frame);
        this.#subscriptions.resubscribeAll();
        this.#pending.resend((pending) => this.#connection.send(pending));
        this.#outbox.connected(frame.data.limits, frame.data.user.id);
        this.#userId = frame.data.user.id;
        this.#deliveries.connected();
      },
      onFrame: (frame) => {
        if (frame.action === 'ack' || frame.action === 'error') this.#pending.reply(frame);
        // A followed conversation's messages are never dropped: a catch-up must not become gaps to refill.
        // Nor are the rare conversation list events: a dropped one would leave the list wrong until a reload.
        this.#queue.push(
          frame,
          isStreamFrame(frame) ? this.#subscriptions.follows(frame.data.conversationId) : LIST_EVENTS.has(frame.action),
        );
      },
      onData: () => this.#heartbeat.frameReceived(),
      onInvalid: (error) => this.#report(error, { source: 'frame' }),
      onDown: () => {
        this.#heartbeat.stop();
        this.#renewal.stop();
        this.#pending.connectionLost(disconnected('connection lost'));
      },
    });
    this.#pacer = new SendPacer(timers.now, this.#config.outboxPace);
    this.#outbox = new Outbox({
      timers,
      store: options.outbox?.store ?? defaultOutboxStore((error) => this.#report(asStoreError(error), { source: 'outbox' })),
      maxCount: this.#config.outboxCapacity,
      maxBytes: this.#config.outboxMaxBytes,
      pacer: this.#pacer,
      transmit: (frame) => this.#transmit(frame).then((result) => parseResult('send_message', result)),
      isConnected: () => this.#isReady,
      report: (error) => this.#report(error, { source: 'outbox' }),
    });
    this.#subscriptions = new Subscriptions({
      timers,
      gapTimeoutMs: this.#config.gapTimeoutMs,
      subscribe: (conversationId, since) =>
        this.request('subscribe', since === undefined ? { conversationId } : { conversationId, since, ackFirst: true }),
      history: (conversationId, after) => this.request('history', { conversationId, after, limit: HISTORY_PAGE_MAX }),
      isConnected: () => this.#isReady,
      deliver: (frame) => this.#handOver(frame),
      report: (error, conversationId) => this.#report(error, { source: 'subscription', detail: conversationId }),
    });
    this.#deliveries = new DeliveryConfirmer(
      {
        timers,
        confirm: (conversationId, seq) => this.request('mark_delivered', { conversationId, seq }),
        isConnected: () => this.#isReady,
        userId: () => this.#userId,
      },
      DELIVERY_CONFIRM_INTERVAL_MS,
    );
    this.#refs = new RefCount(
      timers,
      this.#config.releaseGraceMs,
      () => void this.connect().catch(() => undefined),
      () => this.disconnect(),
    );
    const wake = (awake: boolean) => awake && this.#wake();
    this.#stopListening = [
      this.#env.visibility.subscribe(wake),
      this.#env.online.subscribe(wake),
      this.#env.focus.subscribe(() => this.#wake()),
    ];
    // Shared, only the leader restores the stored outbox (see sharingChanged).
    if (sharing) this.#stopListening.push(sharing.subscribe(() => this.#sharingChanged()));
    else void this.#outbox.restore();
  }

  // ---- state ----

  /** The current state snapshot (same object until it changes; fits useSyncExternalStore). */
  getState = (): ConnectionState => this.#connection.state.getState();

  /** Listen to state changes; returns an unsubscribe function. */
  subscribe = (listener: (state: ConnectionState, previous: ConnectionState) => void): (() => void) =>
    this.#connection.state.subscribe(listener);

  // ---- handlers ----

  /** Handle one kind of server frame; returns an unsubscribe function. */
  on<A extends ServerAction>(action: A, handler: FrameHandler<A>): () => void {
    return this.#registry.on(action, handler);
  }

  /** Handle every server frame; returns an unsubscribe function. */
  onAny(handler: AnyFrameHandler): () => void {
    return this.#registry.onAny(handler);
  }

  /** Registered handlers (leak checks). */
  get handlerCount(): number {
    return this.#registry.count;
  }

  // ---- lifecycle ----

  /** Connect (if not already); resolves once authenticated and ready, rejects if it ends in `error` or `disconnected`. */
  connect(): Promise<void> {
    if (this.#disposed) return Promise.reject(disconnected('client disposed'));
    this.#sharing?.join();
    return this.#connection.connect();
  }

  /** Start over after `error` (or try at once while reconnecting), with a fresh attempt budget. */
  reconnect(): Promise<void> {
    if (this.#disposed) return Promise.reject(disconnected('client disposed'));
    this.#sharing?.join();
    return this.#connection.reconnect();
  }

  /** Close the connection and stop reconnecting. Queued messages and subscriptions wait for the next connect. */
  disconnect(): void {
    this.#connection.disconnect();
    this.#sharing?.leave();
    this.#pending.rejectAll(disconnected('disconnected'));
  }

  /** Disconnect and release everything: timers, listeners, handlers; pending promises reject with `disconnected`. */
  dispose(): void {
    if (this.#disposed) return;
    this.disconnect();
    this.#disposed = true;
    const error = disconnected('client disposed');
    this.#pending.rejectAll(error);
    this.#outbox.dispose(error);
    this.#subscriptions.clear(error);
    this.#queue.clear();
    this.#registry.clear();
    this.#refs.clear();
    this.#heartbeat.stop();
    this.#renewal.stop();
    this.#deliveries.dispose();
    for (const stop of this.#stopListening) stop();
    this.#connection.dispose();
    this.#sharing?.dispose();
  }

  /** Share the connection: the first acquire connects, the last release disconnects after a grace period. */
  acquire(): () => void {
    if (this.#disposed) return () => undefined;
    return this.#refs.acquire();
  }

  // ---- requests ----

  /** Send a request; resolves with the server's validated ack result, rejects with a HeraldError. */
  request<A extends RequestAction>(action: A, data: RequestInput<A>, options: RequestOptions = {}): Promise<RequestResult<A>> {
    try {
      if (action === 'send_message') {
        return this.#queueMessage(buildFrame('send_message', 'text', data, options.id ?? newId(), this.#env.timers.now())) as Promise<
          RequestResult<A>
        >;
      }
      // Each request action has one envelope type in the protocol: `read` for mark_read, `delivery` for mark_delivered, `control` for the rest.
      const type = action === 'mark_read' ? 'read' : action === 'mark_delivered' ? 'delivery' : 'control';
      const frame = buildFrame(action, type, data, options.id ?? newId(), this.#env.timers.now());
      this.#pacer.spend();
      return this.#transmit(frame, options.timeoutMs).then((reply) => {
        const result = parseResult(action, reply);
        // A page of history is on this device too: it counts as delivered.
        if (action === 'history') this.markReceived((data as RequestInput<'history'>).conversationId, (result as HistoryResult).messages);
        return result;
      });
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Send a message through the outbox: queued while disconnected, sent in order, never duplicated.
   * Pass `options.id` to know the client id up front (it comes back as `clientId` on the message).
   */
  sendMessage(conversationId: string, content: MessageContent, options: Pick<RequestOptions, 'id'> = {}): Promise<SendMessageResult> {
    const { type = 'text', ...rest } = content;
    try {
      const data = { conversationId, text: '', ...rest };
      return this.#queueMessage(buildFrame('send_message', type, data, options.id ?? newId(), this.#env.timers.now()));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Replace the text of your own text message. Every member (you included) then gets
   * `message_updated` with the next seq. `options.id` is the idempotency key (default a new one;
   * the request is resent with it after a reconnect, and the server answers a repeat like the first).
   */
  editMessage(
    conversationId: string,
    messageId: string,
    text: string,
    options: Pick<RequestOptions, 'id'> = {},
  ): Promise<EditMessageResult> {
    return this.request('edit_message', { conversationId, messageId, text }, options);
  }

  /** Delete a message (yours; any in a group you own; any if you are an admin): members get `message_deleted`. */
  deleteMessage(conversationId: string, messageId: string, options: Pick<RequestOptions, 'id'> = {}): Promise<DeleteMessageResult> {
    return this.request('delete_message', { conversationId, messageId }, options);
  }

  /** Add (or with `remove`, take back) your reaction `emoji` on a message: members get `reaction_updated`. */
  react(
    conversationId: string,
    messageId: string,
    emoji: string,
    options: Pick<RequestOptions, 'id'> & { remove?: boolean } = {},
  ): Promise<ReactResult> {
    return this.request(
      'react',
      { conversationId, messageId, emoji, remove: options.remove ?? false },
      { ...(options.id ? { id: options.id } : {}) },
    );
  }

  /** Full-text search of your conversations' messages, newest first; pass `nextCursor` back as `cursor` for more. */
  search(request: RequestInput<'search'>): Promise<SearchResult> {
    return this.request('search', request);
  }

  /**
   * Send an event: a frame that gets no ack (`typing_status`). Sent only when the connection is
   * ready, dropped otherwise (a stale event is worth nothing after a reconnect). Returns whether it was sent.
   */
  sendEvent(action: 'typing_status', data: { conversationId: string; isTyping: boolean }): boolean {
    const sent = this.#connection.send({ id: newId(), type: 'typing', action, data, timestamp: this.#env.timers.now() });
    if (sent) this.#pacer.spend();
    return sent;
  }

  /** The reconnect attempt budget: past it the status says so (`attemptLimitPassed`), or becomes `error` with `reconnect.giveUp`. */
  get maxReconnectAttempts(): number {
    return this.#config.backoff.maxAttempts;
  }

  /**
   * Messages in the outbox, oldest first: `queued` (with the last transient `error` while it
   * retries), `sending`, or `failed` (refused for good; kept, text and all, until discarded or
   * retried). The same array until something changes: fits useSyncExternalStore with `onOutboxChange`.
   */
  pendingMessages(): readonly OutboxRecord[] {
    return this.#outbox.pending();
  }

  /** Listen to outbox changes (a message queued, sent, failed, retried, discarded); returns an unsubscribe function. */
  onOutboxChange = (listener: () => void): (() => void) => this.#outbox.subscribe(listener);

  /** Drop a queued or failed message; false when there is none or it is on the wire (see Outbox.discard). */
  discardMessage(id: string): boolean {
    return this.#outbox.discard(id);
  }

  /** Send a failed message again with the same id, behind what is queued now; resolves with its ack. */
  retryMessage(id: string): Promise<SendMessageResult> {
    return this.#outbox.retry(id);
  }

  /**
   * Follow a conversation: its messages reach `new_message` handlers exactly once, in seq order,
   * across reconnects. `since` = the last seq the app already has (default: from now on).
   */
  subscribeConversation(conversationId: string, options: { since?: number } = {}): Promise<SubscribeResult> {
    if (this.#disposed) return Promise.reject(disconnected('client disposed'));
    return this.#subscriptions.add(conversationId, options.since);
  }

  /** Stop following a conversation. */
  async unsubscribeConversation(conversationId: string): Promise<void> {
    const followed = this.#subscriptions.remove(conversationId, disconnected('unsubscribed'));
    if (followed && this.#isReady) await this.request('unsubscribe', { conversationId });
  }

  /**
   * Messages this app got some other way than the socket (a REST page, a conversation list's last
   * message) are on this device: confirm them as delivered like the ones the socket brings (coalesced).
   */
  markReceived(conversationId: string, messages: readonly Pick<Message, 'seq' | 'senderId'>[]): void {
    if (!this.#disposed) this.#deliveries.received(conversationId, messages);
  }

  /** The last seq delivered to handlers for a followed conversation. */
  lastSeq(conversationId: string): number | null {
    return this.#subscriptions.lastSeq(conversationId);
  }

  // ---- internals ----

  get #isReady(): boolean {
    return this.#connection.isReady;
  }

  #queueMessage(frame: OutboxFrame): Promise<SendMessageResult> {
    if (this.#disposed) return Promise.reject(disconnected('client disposed'));
    return this.#outbox.add(frame);
  }

  #transmit(frame: Parameters<Transport['send']>[0], timeoutMs = this.#config.requestTimeoutMs): Promise<unknown> {
    if (!this.#isReady) return Promise.reject(disconnected('not connected'));
    const reply = this.#pending.add(frame.id, timeoutMs, {
      frame,
      migrate: MIGRATING_ACTIONS.has(frame.action),
      probeAfterMs: this.#config.ackProbeMs,
    });
    if (!this.#connection.send(frame)) this.#pending.connectionLost(disconnected('connection lost'));
    return reply;
  }

  /** The shared connection changed hands or came up: the leader adopts the stored outbox; a waiting reconnect tries now. */
  #sharingChanged(): void {
    const role = this.#sharing?.role ?? 'idle';
    if (role !== this.#sharingRole) {
      this.#sharingRole = role;
      if (role === 'leader') void this.#outbox.adopt();
      else if (role === 'follower') this.#outbox.skipRestore();
    }
    if (this.getState().status === 'reconnecting') void this.#connection.reconnect().catch(() => undefined);
  }

  /** Page visible again, or network back: check a live socket at once, or retry at once. */
  #wake(): void {
    if (this.getState().status === 'connected') this.#heartbeat.probe();
    else this.#connection.retryNow();
  }

  #dispatch(frame: ServerFrame): void {
    if (isStreamFrame(frame) && this.#subscriptions.handle(frame)) return;
    // Removed from a conversation: nothing more of it comes, and a resubscribe would only be refused.
    if (frame.action === 'member_removed' && frame.data.userId === this.#userId) {
      this.#subscriptions.remove(frame.data.conversationId, new HeraldError(ErrorCode.Forbidden, 'removed from the conversation'));
    }
    this.#handOver(frame);
  }

  /** A frame reaches the app's handlers: a message of someone else's is now on this device (delivery receipt). */
  #handOver(frame: ServerFrame): void {
    if (frame.action === 'new_message') this.#deliveries.received(frame.data.conversationId, [frame.data]);
    this.#registry.dispatch(frame);
  }

  #report(error: HeraldError, context: ErrorContext): void {
    try {
      this.#options.onError?.(error, context);
    } catch {
      // The error hook must never break the client.
    }
  }
}

/** A store failure (IndexedDB refused, quota) as the one `onError` report before the outbox carries on in memory. */
function asStoreError(error: unknown): HeraldError {
  if (error instanceof HeraldError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new HeraldError(ErrorCode.Internal, `outbox store failed, keeping messages in memory: ${reason}`, { reason: 'store_fallback' });
}

/** Create a client (nothing happens on the network until `connect()` or `acquire()`). */
export function createClient(options: HeraldClientOptions): HeraldClient {
  return new HeraldClient(options);
}
