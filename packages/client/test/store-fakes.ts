/**
 * Fakes for unit tests of the UI state stores (`src/state`): FakeTimers (manual clock) and FakeClient (the ClientPort
 * surface, with frames, state changes, requests and sends driven by the test). Integration tests use
 * the real client and server instead.
 */
import { type ConnectionState, type ConnectionStatus, INITIAL_STATE, type MessageContent, Subscribable, type Timers } from '@herald/client';
import type { Message, SendMessageResult, ServerAction, ServerFrame } from '@herald/protocol';
import type { ClientPort } from '../src/state/client-port.js';

interface Timer {
  at: number;
  callback: () => void;
}

export class FakeTimers implements Timers {
  private clock = 1_000_000;
  private readonly timers = new Set<Timer>();

  setTimeout = (callback: () => void, ms: number): unknown => {
    const timer = { at: this.clock + ms, callback };
    this.timers.add(timer);
    return timer;
  };

  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as Timer);
  };

  now = (): number => this.clock;

  get pending(): number {
    return this.timers.size;
  }

  /** Move the clock, running every timer that falls due, in time order. */
  advance(ms: number): void {
    const end = this.clock + ms;
    for (;;) {
      const next = [...this.timers].filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.timers.delete(next);
      this.clock = next.at;
      next.callback();
    }
    this.clock = end;
  }
}

interface Deferred<T> {
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export interface FakeRequest extends Deferred<unknown> {
  action: string;
  data: Record<string, unknown>;
}

export interface FakeSend extends Deferred<SendMessageResult> {
  conversationId: string;
  content: MessageContent;
  id: string | undefined;
}

/** Its `subscribe` (from Subscribable) is the client's connection-state subscription. */
export class FakeClient extends Subscribable<(state: ConnectionState, previous: ConnectionState) => void> {
  private readonly handlers = new Map<string, Set<(frame: ServerFrame) => void>>();
  private state: ConnectionState = INITIAL_STATE;
  readonly requests: FakeRequest[] = [];
  readonly sends: FakeSend[] = [];
  readonly subscriptions: { conversationId: string; since: number | undefined }[] = [];

  get port(): ClientPort {
    return this as unknown as ClientPort;
  }

  get handlerCount(): number {
    let n = 0;
    for (const set of this.handlers.values()) n += set.size;
    return n;
  }

  on = (action: ServerAction, handler: (frame: ServerFrame) => void): (() => void) => {
    let set = this.handlers.get(action);
    if (!set) {
      set = new Set();
      this.handlers.set(action, set);
    }
    const entry = (frame: ServerFrame) => handler(frame);
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  };

  /** Deliver a server frame to the handlers of its action. */
  emit(frame: ServerFrame): void {
    for (const handler of [...(this.handlers.get(frame.action) ?? [])]) handler(frame);
  }

  /** Deliver a `new_message` frame for `message`. */
  emitMessage(message: Message): void {
    this.emit({ id: message.id, type: message.type, action: 'new_message', data: message, timestamp: message.createdAt });
  }

  getState = (): ConnectionState => this.state;

  setStatus(status: ConnectionStatus): void {
    const previous = this.state;
    this.state = { ...previous, status };
    this.notify(this.state, previous);
  }

  editMessage = (conversationId: string, messageId: string, text: string) =>
    this.request('edit_message', { conversationId, messageId, text });
  deleteMessage = (conversationId: string, messageId: string) => this.request('delete_message', { conversationId, messageId });
  react = (conversationId: string, messageId: string, emoji: string, options: { remove?: boolean } = {}) =>
    this.request('react', { conversationId, messageId, emoji, remove: options.remove ?? false });

  request = (action: string, data: Record<string, unknown>): Promise<unknown> =>
    new Promise((resolve, reject) => this.requests.push({ action, data, resolve, reject }));

  sendMessage = (conversationId: string, content: MessageContent, options: { id?: string } = {}): Promise<SendMessageResult> =>
    new Promise((resolve, reject) => this.sends.push({ conversationId, content, id: options.id, resolve, reject }));

  /** The fake has no outbox: nothing is ever held as failed, so a retry is a new send with the same id. */
  pendingMessages = (): readonly never[] => [];

  retryMessage = (id: string): Promise<SendMessageResult> => Promise.reject(new Error(`the fake outbox holds no ${id}`));

  subscribeConversation = (conversationId: string, options: { since?: number } = {}) => {
    this.subscriptions.push({ conversationId, since: options.since });
    return Promise.resolve({ conversationId, lastSeq: options.since ?? 0 });
  };

  /** The oldest unanswered request of `action` (throws when there is none). */
  take(action: string): FakeRequest {
    const index = this.requests.findIndex((r) => r.action === action);
    const [request] = index >= 0 ? this.requests.splice(index, 1) : [];
    if (!request) throw new Error(`no pending ${action} request (pending: ${this.requests.map((r) => r.action).join(', ')})`);
    return request;
  }
}

/** A stored message of conversation `c1`. */
export function message(seq: number, fields: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    clientId: `client-${seq}`,
    conversationId: 'c1',
    seq,
    senderId: 'u-other',
    type: 'text',
    text: `text ${seq}`,
    replyTo: null,
    attachment: null,
    editedAt: null,
    deletedAt: null,
    mentions: [],
    groupMention: null,
    reactions: [],
    replyPreview: null,
    createdAt: seq * 1000,
    ...fields,
  };
}

/** Let pending promise callbacks run. */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};
