/**
 * FakeServer: an in-memory stand-in for the gateway, for unit tests of the client's logic.
 * Its `WebSocket` constructor makes FakeSockets that a test opens, feeds frames and closes by hand;
 * with `autoRespond` it answers authenticate/heartbeat/subscribe/send_message/history the way the
 * real server does. Integration tests use the real server instead.
 */
import type { CloseEventLike, MessageEventLike, WebSocketConstructor, WebSocketLike } from '@herald/client';
import type { ClientFrame, Message, ServerFrame, ServerFrameOf } from '@herald/protocol';

type Listener<E> = ((event: E) => void) | null;

let frameCounter = 0;
const sid = () => `srv-${++frameCounter}`;

/** `credential`: the server's clock and the token's expiry on it (default: a token that never expires). */
export function connectedFrame(
  heartbeatIntervalMs = 45_000,
  credential: { serverTime: number; expiresAt: number } = { serverTime: 1, expiresAt: Number.MAX_SAFE_INTEGER },
): ServerFrameOf<'connected'> {
  return {
    id: sid(),
    type: 'system',
    action: 'connected',
    data: {
      connectionId: 'conn',
      user: { id: 'u1', email: 'u@example.test', name: 'U', role: 'user', avatar: null, createdAt: 1 },
      device: { deviceType: 'desktop', deviceId: 'dev' },
      serverTime: credential.serverTime,
      heartbeatIntervalMs,
      credentialExpiresAt: credential.expiresAt,
      limits: { maxFrameBytes: 65536, ratePerSecond: 20, burst: 40 },
    },
    timestamp: 1,
  };
}

export function ackFrame(ref: string, result: unknown): ServerFrameOf<'ack'> {
  return { id: sid(), type: 'ack', action: 'ack', data: { ref, result }, timestamp: 1 };
}

export function errorFrame(
  ref: string | undefined,
  code: ServerFrameOf<'error'>['data']['code'],
  message: string = code,
): ServerFrameOf<'error'> {
  return { id: sid(), type: 'error', action: 'error', data: ref === undefined ? { code, message } : { ref, code, message }, timestamp: 1 };
}

export function message(conversationId: string, seq: number, text = `m${seq}`): Message {
  return {
    id: `msg-${conversationId}-${seq}`,
    clientId: `c-${seq}`,
    conversationId,
    seq,
    senderId: 'u2',
    type: 'text',
    text,
    replyTo: null,
    attachment: null,
    editedAt: null,
    deletedAt: null,
    mentions: [],
    groupMention: null,
    reactions: [],
    replyPreview: null,
    createdAt: 1,
  };
}

export function messageFrame(conversationId: string, seq: number): ServerFrameOf<'new_message'> {
  return { id: sid(), type: 'text', action: 'new_message', data: message(conversationId, seq), timestamp: 1 };
}

export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: Listener<unknown> = null;
  onmessage: Listener<MessageEventLike> = null;
  onclose: Listener<CloseEventLike> = null;
  onerror: Listener<unknown> = null;
  readonly sent: ClientFrame[] = [];
  closedByClient = false;

  constructor(
    readonly url: string,
    private readonly server: FakeServer,
  ) {}

  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(frame: ServerFrame | string): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) });
  }

  /** The server (or the network) closes the socket. */
  drop(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }

  send(data: string): void {
    const frame = JSON.parse(data) as ClientFrame;
    this.sent.push(frame);
    this.server.onClientFrame(this, frame);
  }

  close(): void {
    this.closedByClient = true;
    this.readyState = 3;
  }

  /** Frames of one action the client sent. */
  sentOf<A extends ClientFrame['action']>(action: A): Extract<ClientFrame, { action: A }>[] {
    return this.sent.filter((f): f is Extract<ClientFrame, { action: A }> => f.action === action);
  }
}

export interface FakeServerOptions {
  /** Open new sockets and answer requests automatically (default true). */
  autoRespond?: boolean;
  /** Tokens accepted by `authenticate` (default: any). */
  validTokens?: string[];
  heartbeatIntervalMs?: number;
  /** Answer heartbeats (default true); false simulates a stalled server. */
  answerHeartbeats?: boolean;
  /** Lifetime of every token (default: forever); `connected` and `reauthenticate` acks announce its expiry on `now`. */
  credentialTtlMs?: number;
  /** The server's clock (default Date.now); a test passes its fake clock, shifted to play a skewed client. */
  now?: () => number;
}

export class FakeServer {
  readonly sockets: FakeSocket[] = [];
  readonly messages = new Map<string, Message[]>();
  answerHeartbeats: boolean;
  /** Request actions the fake leaves unanswered (a request that never gets its reply). */
  readonly ignore = new Set<ClientFrame['action']>();
  /** When false, new sockets fail to connect (closed with 1006 on open). */
  reachable = true;
  /** When true, new sockets never open nor fail (a host that does not answer: the client's connect timeout decides). */
  hang = false;
  /** Refusals for the next `reauthenticate`s, in order (`session_revoked`/`account_disabled` also close 4001, as the server does). */
  readonly refuseRenewals: ServerFrameOf<'error'>['data']['code'][] = [];
  readonly WebSocket: WebSocketConstructor;

  constructor(private readonly options: FakeServerOptions = {}) {
    this.answerHeartbeats = options.answerHeartbeats ?? true;
    const server = this;
    this.WebSocket = class extends FakeSocket {
      constructor(url: string) {
        super(url, server);
        server.sockets.push(this);
        if (server.options.autoRespond !== false) queueMicrotask(() => server.autoOpen(this));
      }
    };
  }

  get last(): FakeSocket {
    const socket = this.sockets.at(-1);
    if (!socket) throw new Error('no socket yet');
    return socket;
  }

  private autoOpen(socket: FakeSocket): void {
    if (socket.closedByClient || this.hang) return;
    if (!this.reachable) socket.drop(1006);
    else socket.open();
  }

  onClientFrame(socket: FakeSocket, frame: ClientFrame): void {
    if (this.options.autoRespond === false || this.ignore.has(frame.action)) return;
    switch (frame.action) {
      case 'authenticate':
        if (this.options.validTokens && !this.options.validTokens.includes(frame.data.token)) {
          socket.receive(errorFrame(frame.id, 'unauthorized'));
          socket.drop(4001, 'unauthorized');
        } else {
          socket.receive(connectedFrame(this.options.heartbeatIntervalMs, this.credential()));
        }
        return;
      case 'reauthenticate': {
        const refusal = this.refuseRenewals.shift();
        if (refusal === undefined) {
          socket.receive(ackFrame(frame.id, { credentialExpiresAt: this.credential().expiresAt }));
        } else {
          socket.receive(errorFrame(frame.id, refusal));
          if (refusal === 'session_revoked' || refusal === 'account_disabled') socket.drop(4001, refusal);
        }
        return;
      }
      case 'heartbeat':
        if (this.answerHeartbeats)
          socket.receive({ id: sid(), type: 'heartbeat', action: 'heartbeat', data: { ref: frame.id, serverTime: 1 }, timestamp: 1 });
        return;
      case 'subscribe': {
        const list = this.messages.get(frame.data.conversationId) ?? [];
        const since = frame.data.since;
        const lastSeq = list.at(-1)?.seq ?? 0;
        if (since !== undefined)
          for (const m of list)
            if (m.seq > since) socket.receive({ id: sid(), type: 'text', action: 'new_message', data: m, timestamp: 1 });
        socket.receive(ackFrame(frame.id, { conversationId: frame.data.conversationId, lastSeq }));
        return;
      }
      case 'history': {
        const list = this.messages.get(frame.data.conversationId) ?? [];
        const after = frame.data.after ?? 0;
        const page = list.filter((m) => m.seq > after).slice(0, frame.data.limit);
        socket.receive(ackFrame(frame.id, { messages: page, hasMore: list.filter((m) => m.seq > after).length > page.length }));
        return;
      }
      case 'send_message': {
        const conversationId = frame.data.conversationId;
        const list = this.messages.get(conversationId) ?? [];
        this.messages.set(conversationId, list);
        const existing = list.find((m) => m.clientId === frame.id);
        const stored = existing ?? { ...message(conversationId, list.length + 1, frame.data.text), clientId: frame.id };
        if (!existing) list.push(stored);
        socket.receive(
          ackFrame(frame.id, { messageId: stored.id, conversationId, seq: stored.seq, createdAt: 1, duplicate: existing !== undefined }),
        );
        return;
      }
      case 'unsubscribe':
        socket.receive(ackFrame(frame.id, { conversationId: frame.data.conversationId }));
        return;
      case 'presence_subscribe':
        socket.receive(ackFrame(frame.id, { presence: [] }));
        return;
      case 'presence_unsubscribe':
        socket.receive(ackFrame(frame.id, { watching: 0 }));
        return;
    }
  }

  /** The server's time now and the expiry of a token issued now. */
  credential(): { serverTime: number; expiresAt: number } {
    const serverTime = this.options.now?.() ?? Date.now();
    const ttl = this.options.credentialTtlMs;
    return ttl === undefined ? { serverTime: 1, expiresAt: Number.MAX_SAFE_INTEGER } : { serverTime, expiresAt: serverTime + ttl };
  }

  /** Store a message (as if another user sent it) and return its frame. */
  publish(conversationId: string): ServerFrameOf<'new_message'> {
    const list = this.messages.get(conversationId) ?? [];
    this.messages.set(conversationId, list);
    const m = message(conversationId, list.length + 1);
    list.push(m);
    return { id: sid(), type: 'text', action: 'new_message', data: m, timestamp: 1 };
  }
}
