/**
 * ConnectionHub: the leader tab's end of the shared connection. It owns the one real WebSocket;
 * its own client uses it through a tap (`open()`), the other tabs through ports over the channel.
 * Every server frame after `connected` goes to every tab as text (each tab's sequencer drops what
 * it has seen, its registry ignores acks of requests it did not make); a port gets the cached
 * `connected` frame when it opens, so the tab's client runs its usual handshake and resubscribes.
 * Invariants:
 * - A `send_message` id goes to the server once per hub: a repeat (the outbox of another tab, or
 *   one adopted from IndexedDB after a handover) is answered with the first one's ack, or waits for it.
 * - An `unsubscribe` reaches the server only when no other tab follows the conversation (the
 *   server mutes it for the whole socket); a `presence_unsubscribe` only names users no other tab
 *   watches, and a tab that goes away takes back the watches only it held.
 * - When the socket closes, every port closes with 1001, so each tab reconnects and resumes from
 *   its own last seq; `dispose()` (leadership lost) closes the socket and every port.
 */
import type { CloseEventLike, MessageEventLike, Timers, WebSocketConstructor, WebSocketLike } from '../environment.js';
import type { TabChannel, TabMessage } from './tab-channel.js';

/** The local client's port name (followers' ports are ids). */
const LOCAL = '';
/** Remembered `send_message` ids (acked or in flight): enough for a long outbox after a handover. */
const MAX_SENT = 2_000;
type Listener<E> = ((event: E) => void) | null;

export class ConnectionHub {
  #real: WebSocketLike | null = null;
  #local: LocalSocket | null = null;
  #connected: string | null = null;
  readonly #ports = new Set<string>();
  readonly #waiting = new Set<string>();
  /** conversationId -> the ports that follow it. */
  readonly #follows = new Map<string, Set<string>>();
  /** userId -> the ports that watch its presence. */
  readonly #watches = new Map<string, Set<string>>();
  /** send_message id -> its ack text, or null while in flight. */
  readonly #sent = new Map<string, string | null>();
  readonly #stopListening: () => void;

  readonly #id: string;
  readonly #channel: TabChannel;
  readonly #timers: Timers;
  constructor(id: string, channel: TabChannel, timers: Timers) {
    this.#id = id;
    this.#channel = channel;
    this.#timers = timers;
    this.#stopListening = channel.subscribe((message) => this.#channelOnMessage(message));
  }

  /** The leader's own socket: a real WebSocket whose traffic the hub shares. */
  open(url: string, Real: WebSocketConstructor): WebSocketLike {
    this.#dropReal('replaced');
    const real = new Real(url);
    const local = new LocalSocket(real, (data) => this.#forward(LOCAL, data));
    this.#real = real;
    this.#local = local;
    real.onopen = (event) => local.onopen?.(event);
    real.onerror = (event) => local.onerror?.(event);
    real.onmessage = (event) => {
      local.onmessage?.(event);
      if (this.#real === real) this.#inbound(String(event.data));
    };
    real.onclose = (event) => {
      if (this.#real === real) this.#down();
      local.onclose?.(event);
    };
    return local;
  }

  /** Leadership lost: close the socket (its client reconnects, as a follower) and every port. */
  dispose(): void {
    this.#stopListening();
    const local = this.#local;
    this.#dropReal('leader stepped down');
    // Tell the local client now: the real socket's own close event is detached and may never come.
    local?.onclose?.({ code: 1001, reason: 'leader stepped down' });
  }

  #dropReal(reason: string): void {
    const real = this.#real;
    this.#real = null;
    this.#local = null;
    if (!real) return;
    this.#down();
    real.onopen = null;
    real.onmessage = null;
    real.onclose = null;
    real.onerror = () => undefined;
    try {
      real.close(1000, reason);
    } catch {
      // Closing a socket that never opened may throw; it is gone either way.
    }
  }

  /** The server's socket is gone: every port closes, so each tab resubscribes on the next one. */
  #down(): void {
    this.#connected = null;
    for (const port of [...this.#ports, ...this.#waiting])
      this.#post({ t: 'close', from: this.#id, port, code: 1001, reason: 'leader reconnecting' });
    this.#ports.clear();
    this.#waiting.clear();
    this.#follows.clear();
    this.#watches.clear();
    for (const [id, ack] of this.#sent) if (ack === null) this.#sent.delete(id);
  }

  #inbound(text: string): void {
    if (this.#connected === null) {
      if (parse(text)?.action !== 'connected') return;
      this.#connected = text;
      for (const port of this.#waiting) this.#accept(port);
      this.#waiting.clear();
      this.#post({ t: 'up', from: this.#id });
      return;
    }
    const frame = text.includes('"ref"') ? parse(text) : null;
    const ref = (frame?.data as { ref?: unknown } | undefined)?.ref;
    if (typeof ref === 'string' && this.#sent.has(ref)) {
      if (frame?.action === 'ack') this.#sent.set(ref, text);
      else this.#sent.delete(ref);
    }
    this.#post({ t: 'frame', from: this.#id, data: text });
  }

  #accept(port: string): void {
    if (this.#connected === null) return;
    this.#ports.add(port);
    this.#post({ t: 'opened', from: this.#id, port, connected: this.#connected });
  }

  /** A frame from a tab (LOCAL or a port): sent to the server, answered locally, or dropped. */
  #forward(port: string, text: string): void {
    const frame = parse(text);
    const data = (frame?.data ?? {}) as { conversationId?: unknown };
    const conversation = typeof data.conversationId === 'string' ? data.conversationId : '';
    switch (frame?.action) {
      case 'authenticate':
        // A follower's handshake is answered by the cached `connected`; only the leader's reaches the server.
        if (port !== LOCAL) return;
        break;
      case 'subscribe':
        this.#followers(conversation).add(port);
        break;
      case 'unsubscribe': {
        const followers = this.#followers(conversation);
        followers.delete(port);
        if (followers.size > 0) {
          const result = { conversationId: conversation };
          const ack = { id: `hub:${frame.id}`, type: 'ack', action: 'ack', data: { ref: frame.id, result }, timestamp: this.#timers.now() };
          this.#reply(port, JSON.stringify(ack));
          return;
        }
        break;
      }
      case 'presence_subscribe':
        for (const userId of userIdsOf(frame.data)) {
          const ports = this.#watches.get(userId) ?? new Set<string>();
          ports.add(port);
          this.#watches.set(userId, ports);
        }
        break;
      case 'presence_unsubscribe': {
        const last = this.#unwatch(port, userIdsOf(frame.data));
        if (last.length === 0) {
          const result = { watching: this.#watches.size };
          const ack = { id: `hub:${frame.id}`, type: 'ack', action: 'ack', data: { ref: frame.id, result }, timestamp: this.#timers.now() };
          this.#reply(port, JSON.stringify(ack));
          return;
        }
        this.#real?.send(JSON.stringify({ ...frame, data: { userIds: last } }));
        return;
      }
      case 'send_message':
        if (this.#sent.has(frame.id)) {
          const ack = this.#sent.get(frame.id);
          if (ack) this.#reply(port, ack);
          return;
        }
        this.#sent.set(frame.id, null);
        if (this.#sent.size > MAX_SENT) this.#sent.delete(this.#sent.keys().next().value as string);
        break;
    }
    this.#real?.send(text);
  }

  /** Drop `port`'s watches of `userIds`; returns the users nobody watches any more. */
  #unwatch(port: string, userIds: readonly string[]): string[] {
    const last: string[] = [];
    for (const userId of userIds) {
      const ports = this.#watches.get(userId);
      if (!ports?.delete(port) || ports.size > 0) continue;
      this.#watches.delete(userId);
      last.push(userId);
    }
    return last;
  }

  #followers(conversationId: string): Set<string> {
    let set = this.#follows.get(conversationId);
    if (!set) {
      set = new Set();
      this.#follows.set(conversationId, set);
    }
    return set;
  }

  #reply(port: string, data: string): void {
    if (port === LOCAL) this.#local?.onmessage?.({ data });
    else this.#post({ t: 'reply', from: this.#id, port, data });
  }

  #channelOnMessage(message: TabMessage): void {
    if (message.t === 'open' && message.to === this.#id) {
      if (this.#connected !== null) this.#accept(message.port);
      else this.#waiting.add(message.port);
    } else if (message.t === 'send' && message.to === this.#id) {
      if (this.#ports.has(message.port)) this.#forward(message.port, message.data);
      // A port of an earlier socket: tell it to reconnect.
      else this.#post({ t: 'close', from: this.#id, port: message.port, code: 1001, reason: 'unknown port' });
    } else if (message.t === 'close' && (this.#ports.has(message.port) || this.#waiting.has(message.port))) {
      this.#ports.delete(message.port);
      this.#waiting.delete(message.port);
      for (const followers of this.#follows.values()) followers.delete(message.port);
      const watched = [...this.#watches].filter(([, ports]) => ports.has(message.port)).map(([userId]) => userId);
      const last = this.#unwatch(message.port, watched);
      // Nobody asked: the ack of this one reaches every tab, and each ignores a ref it did not send.
      for (let i = 0; i < last.length; i += 500) {
        const data = { userIds: last.slice(i, i + 500) };
        this.#real?.send(
          JSON.stringify({
            id: `hub-unwatch-${this.#timers.now()}-${i}`,
            type: 'control',
            action: 'presence_unsubscribe',
            data,
            timestamp: this.#timers.now(),
          }),
        );
      }
    }
  }

  #post(message: TabMessage): void {
    this.#channel.post(message);
  }
}

/** The leader client's view of the real socket: sends go through the hub, events come from it. */
class LocalSocket implements WebSocketLike {
  onopen: Listener<unknown> = null;
  onmessage: Listener<MessageEventLike> = null;
  onclose: Listener<CloseEventLike> = null;
  onerror: Listener<unknown> = null;

  readonly #real: WebSocketLike;
  readonly #sendThrough: (data: string) => void;
  constructor(real: WebSocketLike, sendThrough: (data: string) => void) {
    this.#real = real;
    this.#sendThrough = sendThrough;
  }

  get readyState(): number {
    return this.#real.readyState;
  }

  send(data: string): void {
    this.#sendThrough(data);
  }

  close(code?: number, reason?: string): void {
    this.#real.close(code, reason);
  }
}

function parse(text: string): { id: string; action: string; data?: unknown } | null {
  try {
    const value = JSON.parse(text) as { id?: unknown; action?: unknown } | null;
    return value && typeof value.id === 'string' && typeof value.action === 'string' ? (value as { id: string; action: string }) : null;
  } catch {
    return null;
  }
}

/** The `userIds` of a presence frame's data (whatever a tab sent: the server validates it). */
function userIdsOf(data: unknown): string[] {
  const ids = (data as { userIds?: unknown } | undefined)?.userIds;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}
