/**
 * ConversationStore: one conversation as a chat view shows it: confirmed messages in seq order,
 * then this client's own messages still on their way (optimistic), with history paging.
 * - Start: loads the latest page (`history`), then follows the conversation through the SDK
 *   (`subscribeConversation` with `since` = the newest seq loaded), so live and resumed messages
 *   arrive gaplessly; a page that could not load for lack of a connection loads on the next connect.
 * - Send: the message shows at once (`sending`; `pending` while the client is offline and it waits
 *   in the outbox), becomes `sent` on its ack or on its own `new_message` echo (matched by
 *   `clientId` = its local id), or `failed`; `retry` resends it with the same id (the server
 *   deduplicates a resend whose first attempt did land).
 * Invariants: one message per seq; a local message disappears in the same update its confirmed
 * copy appears; `getSnapshot()` and every message object stay the same until they change.
 * Confirmed messages are dropped on stop (a restart reloads the latest page, so no hole can hide
 * between old and new messages); local ones are kept, as their sends go on.
 * (Just over 300 lines: one state machine, history, live, optimistic sends, kept in one place so
 * their interleavings stay readable.)
 */

import { ErrorCode, HeraldError, type Message, type SendMessageResult } from '@herald/protocol';
import type { ConnectionState } from '../connection-state.js';
import { systemTimers, type Timers } from '../environment.js';
import type { MessageContent } from '../frames.js';
import type { HeraldClient } from '../herald-client.js';
import type { ClientPort } from './client-port.js';
import { ExternalStore } from './external-store.js';
import { perClient } from './per-client.js';
import { sessionStoreFor } from './session-store.js';

/** A message as a view shows it. `seq` is 0 until the server has assigned one. */
export type ConversationMessage = Message & {
  /** Stable key for rendering: the client id of this client's own sends, else the message id. */
  localId: string;
  state: 'sending' | 'sent' | 'failed';
  /** True while it waits in the outbox for a connection. */
  pending: boolean;
};

export interface ConversationSnapshot {
  readonly messages: ConversationMessage[];
  /** Older messages exist on the server. */
  readonly hasMore: boolean;
  /** A history page is being loaded. */
  readonly loading: boolean;
  /** The last load or send failure, cleared by the next success. */
  readonly error: HeraldError | null;
}

export interface ConversationStoreOptions {
  /** History page size (default 50). */
  pageSize?: number;
  /** The signed-in user's id, used as `senderId` of local messages ('' while unknown). */
  userId?: () => string | null;
  /** New ids for local messages (default `crypto.randomUUID`). */
  newId?: () => string;
  timers?: Timers;
}

interface Local {
  message: ConversationMessage;
  content: MessageContent;
}

const EMPTY: ConversationSnapshot = Object.freeze({ messages: [], hasMore: false, loading: false, error: null });

export class ConversationStore extends ExternalStore<ConversationSnapshot> {
  private readonly confirmed: ConversationMessage[] = [];
  private readonly bySeq = new Map<number, ConversationMessage>();
  private readonly locals = new Map<string, Local>();
  /** Client ids of messages this store sent (their confirmed copies keep the local id). */
  private readonly ownIds = new Set<string>();
  private hasMore = false;
  private loading = false;
  private error: HeraldError | null = null;
  private loaded = false;
  private initial: Promise<void> | null = null;
  private older: Promise<void> | null = null;
  /** Bumped on stop: replies to requests made before it are ignored. */
  private generation = 0;
  private stops: (() => void)[] = [];
  private readonly pageSize: number;
  private readonly newId: () => string;

  constructor(
    private readonly client: ClientPort,
    readonly conversationId: string,
    private readonly options: ConversationStoreOptions = {},
  ) {
    super(EMPTY, options.timers ?? systemTimers);
    this.pageSize = options.pageSize ?? 50;
    this.newId = options.newId ?? (() => globalThis.crypto.randomUUID());
  }

  /** Load the next older page (the first page if nothing is loaded yet). */
  loadOlder = (): Promise<void> => {
    if (!this.loaded) return this.loadInitial();
    if (!this.hasMore) return Promise.resolve();
    this.older ??= this.loadBefore().finally(() => {
      this.older = null;
    });
    return this.older;
  };

  /** Send a message; it shows at once. Resolves when it is sent or has failed (see its state); never rejects. */
  send = (content: MessageContent): Promise<void> => {
    const localId = this.newId();
    const message: ConversationMessage = {
      id: localId,
      clientId: localId,
      conversationId: this.conversationId,
      seq: 0,
      senderId: this.options.userId?.() ?? '',
      type: content.type ?? 'text',
      text: content.text ?? '',
      replyTo: content.replyTo ?? null,
      attachment: content.attachment ?? null,
      createdAt: this.timers.now(),
      localId,
      state: 'sending',
      pending: !this.connected,
    };
    this.locals.set(localId, { message, content });
    this.emit();
    return this.transmit(localId, content);
  };

  /**
   * Resend a failed message with the same id. The outbox keeps a refused message as `failed` (so a
   * reload shows it); then the retry goes through it (`retryMessage`), since a new send with that
   * id would clash with the record it holds.
   */
  retry = (localId: string): Promise<void> => {
    const local = this.locals.get(localId);
    if (local?.message.state !== 'failed') return Promise.resolve();
    this.updateLocal(localId, { state: 'sending', pending: !this.connected });
    const held = this.client.pendingMessages().some((record) => record.id === localId && record.state === 'failed');
    return this.transmit(localId, local.content, held);
  };

  protected onStart(): void {
    this.stops = [
      this.client.on('new_message', (frame) => {
        if (frame.data.conversationId === this.conversationId) this.merge([frame.data]);
      }),
      this.client.subscribe((state, previous) => this.onConnection(state, previous)),
    ];
    if (this.connected) void this.loadInitial();
    else this.refreshPending();
  }

  protected onStop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.generation++;
    this.confirmed.length = 0;
    this.bySeq.clear();
    this.loaded = false;
    this.initial = null;
    this.older = null;
    this.hasMore = false;
    this.loading = false;
    this.emit();
  }

  private get connected(): boolean {
    return this.client.getState().status === 'connected';
  }

  private onConnection(state: ConnectionState, previous: ConnectionState): void {
    if ((state.status === 'connected') !== (previous.status === 'connected')) this.refreshPending();
    if (state.status === 'connected' && !this.loaded) void this.loadInitial();
  }

  private loadInitial(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    this.initial ??= this.page(undefined)
      .then(async (loaded) => {
        if (!loaded) return;
        this.loaded = true;
        const since = this.confirmed.at(-1)?.seq ?? 0;
        const generation = this.generation;
        try {
          await this.client.subscribeConversation(this.conversationId, { since });
        } catch (error) {
          if (generation === this.generation && !isDisconnect(error)) this.fail(error);
        }
      })
      .finally(() => {
        this.initial = null;
      });
    return this.initial;
  }

  private async loadBefore(): Promise<void> {
    await this.page(this.confirmed[0]?.seq);
  }

  /** Fetch one page (the latest, or the one before `before`); false when it did not load. */
  private async page(before: number | undefined): Promise<boolean> {
    const generation = this.generation;
    this.loading = true;
    this.emit();
    try {
      const request = { conversationId: this.conversationId, limit: this.pageSize, ...(before ? { before } : {}) };
      const result = await this.client.request('history', request);
      if (generation !== this.generation) return false;
      this.hasMore = result.hasMore;
      this.error = null;
      this.loading = false;
      if (!this.merge(result.messages)) this.emit();
      return true;
    } catch (error) {
      if (generation !== this.generation) return false;
      this.loading = false;
      // Lost connection: the next `connected` loads again; anything else is the app's to show.
      if (isDisconnect(error)) this.emit();
      else this.fail(error);
      return false;
    }
  }

  private async transmit(localId: string, content: MessageContent, retryHeld = false): Promise<void> {
    try {
      const result = retryHeld
        ? await this.client.retryMessage(localId)
        : await this.client.sendMessage(this.conversationId, content, { id: localId });
      this.confirm(localId, result);
    } catch (error) {
      if (!this.locals.has(localId)) return;
      this.updateLocal(localId, { state: 'failed', pending: false });
      this.fail(error);
    }
  }

  /** The ack of a local send: its confirmed copy replaces it (unless its echo already did). */
  private confirm(localId: string, result: SendMessageResult): void {
    const local = this.locals.get(localId);
    if (!local) return;
    this.locals.delete(localId);
    this.ownIds.add(localId);
    this.error = null;
    if (this.active && !this.bySeq.has(result.seq)) {
      const { localId: _key, state: _state, pending: _pending, ...fields } = local.message;
      this.insert({ ...fields, id: result.messageId, seq: result.seq, createdAt: result.createdAt });
    }
    this.emit();
  }

  /** Add server messages (history, live, echoes); repeats are ignored, echoes replace local copies. */
  private merge(messages: readonly Message[]): boolean {
    let changed = false;
    for (const message of messages) {
      if (message.conversationId !== this.conversationId || this.bySeq.has(message.seq)) continue;
      if (this.locals.delete(message.clientId)) this.ownIds.add(message.clientId);
      this.insert(message);
      changed = true;
    }
    if (changed) this.emit();
    return changed;
  }

  private insert(message: Message): void {
    const own = this.ownIds.has(message.clientId);
    const entry: ConversationMessage = { ...message, localId: own ? message.clientId : message.id, state: 'sent', pending: false };
    this.bySeq.set(entry.seq, entry);
    const last = this.confirmed.at(-1);
    if (!last || last.seq < entry.seq) this.confirmed.push(entry);
    else {
      const index = this.confirmed.findIndex((m) => m.seq > entry.seq);
      this.confirmed.splice(index, 0, entry);
    }
  }

  private updateLocal(localId: string, patch: Partial<Pick<ConversationMessage, 'state' | 'pending'>>): void {
    const local = this.locals.get(localId);
    if (!local) return;
    local.message = { ...local.message, ...patch };
    this.emit();
  }

  /** `pending` follows the connection for messages still being sent. */
  private refreshPending(): void {
    const pending = !this.connected;
    let changed = false;
    for (const local of this.locals.values()) {
      if (local.message.state !== 'sending' || local.message.pending === pending) continue;
      local.message = { ...local.message, pending };
      changed = true;
    }
    if (changed) this.emit();
  }

  private fail(error: unknown): void {
    this.error = error instanceof HeraldError ? error : new HeraldError(ErrorCode.Internal, String(error));
    this.emit();
  }

  private emit(): void {
    const locals = [...this.locals.values()].map((local) => local.message);
    this.setState({
      messages: locals.length === 0 ? [...this.confirmed] : [...this.confirmed, ...locals],
      hasMore: this.hasMore,
      loading: this.loading,
      error: this.error,
    });
  }
}

function isDisconnect(error: unknown): boolean {
  return error instanceof HeraldError && error.code === ErrorCode.Disconnected;
}

/** The client's ConversationStore for `conversationId` (one per conversation, shared by every view of it). */
export function conversationStoreFor(client: HeraldClient, conversationId: string): ConversationStore {
  return perClient(client, `conversation:${conversationId}`, () => {
    const session = sessionStoreFor(client);
    return new ConversationStore(client, conversationId, { userId: () => session.userId });
  });
}
