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
 * - Changes: `message_updated`, `message_deleted` and `reaction_updated` apply to the loaded copy
 *   only when newer than it (state/message-changes.ts); `edit`, `remove` and `toggleReaction` show
 *   at once as an overlay on the confirmed copy, which goes when the server's event for it has
 *   been applied (or at once on failure: rolled back, and the promise rejects).
 * - Jump: `jumpTo(seq)` loads the page around a message that is not loaded; the view is then an
 *   older stretch (`hasNewer`) that `loadNewer` extends towards the live end, while live messages
 *   are held and join when it gets there (`jumpToLatest` goes straight back).
 * Invariants: one message per seq; a local message disappears in the same update its confirmed
 * copy appears; `getSnapshot()` and every message object stay the same until they change.
 * Confirmed messages are dropped on stop (a restart reloads the latest page, so no hole can hide
 * between old and new messages); local ones are kept, as their sends go on.
 * (Longer than most files: one state machine — history, live, optimistic sends and changes, the
 * jump window — kept in one place so their interleavings stay readable.)
 */

import { type ConversationChange, ErrorCode, HeraldError, type Message, type SendMessageResult } from '@herald/protocol';
import type { ConnectionState } from '../connection-state.js';
import { systemTimers, type Timers } from '../environment.js';
import type { MessageContent } from '../frames.js';
import type { HeraldClient } from '../herald-client.js';
import type { ClientPort } from './client-port.js';
import { ExternalStore } from './external-store.js';
import { applyChange, replyPreviewOf, tombstone, withQuoteOf, withText, withToggledReaction } from './message-changes.js';
import { OptimisticOverlays } from './optimistic-overlays.js';
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
  /** The view is an older stretch (after `jumpTo`): newer messages exist past its end. */
  readonly hasNewer: boolean;
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

const EMPTY: ConversationSnapshot = Object.freeze({ messages: [], hasMore: false, loading: false, error: null, hasNewer: false });

export class ConversationStore extends ExternalStore<ConversationSnapshot> {
  private readonly confirmed: ConversationMessage[] = [];
  private readonly bySeq = new Map<number, ConversationMessage>();
  private readonly byId = new Map<string, ConversationMessage>();
  private readonly overlays = new OptimisticOverlays<ConversationMessage>();
  /** After a jump: the view does not reach the live end; live messages wait in `held`. */
  private detached = false;
  private hasNewer = false;
  private held: Message[] = [];
  private newer: Promise<void> | null = null;
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

  /** After a jump: load the next newer page (and rejoin the live end when it is reached). */
  loadNewer = (): Promise<void> => {
    if (!this.detached) return Promise.resolve();
    this.newer ??= this.loadAfter().finally(() => {
      this.newer = null;
    });
    return this.newer;
  };

  /**
   * Make sure the message with `seq` is loaded: when it is not, the view becomes the page around it
   * (`hasNewer` until `loadNewer` reaches the end, or `jumpToLatest`). Rejects when it cannot load.
   */
  jumpTo = async (seq: number): Promise<void> => {
    // A jump replaces the first page: wait for it rather than mix the two stretches.
    if (this.initial) await this.initial;
    const first = this.confirmed[0]?.seq;
    const last = this.confirmed.at(-1)?.seq;
    if (first !== undefined && last !== undefined && seq >= first && seq <= last) return;
    const generation = this.generation;
    this.loading = true;
    this.emit();
    try {
      const result = await this.client.request('history', { conversationId: this.conversationId, around: seq, limit: this.pageSize });
      if (generation !== this.generation) return;
      const keep = result.hasNewer ? [] : this.confirmed.filter((m) => m.seq > (result.messages.at(-1)?.seq ?? 0));
      if (result.hasNewer && !this.detached) this.held = [];
      this.detached = result.hasNewer === true;
      this.hasNewer = this.detached;
      this.clearConfirmed();
      for (const message of [...result.messages, ...keep]) this.insert(message);
      this.hasMore = result.hasMore;
      this.loading = false;
      this.error = null;
      this.emit();
    } catch (error) {
      if (generation !== this.generation) return;
      this.loading = false;
      this.fail(error);
      throw error;
    }
  };

  /** Leave a jump: back to the latest page and the live stream. */
  jumpToLatest = async (): Promise<void> => {
    if (!this.detached) return;
    const held = this.held;
    this.detached = false;
    this.hasNewer = false;
    this.held = [];
    this.clearConfirmed();
    await this.page(undefined);
    this.merge(held);
  };

  /** Edit your text message; shows at once, rolls back and rejects (HeraldError) when refused. */
  edit = (messageId: string, text: string): Promise<void> =>
    this.change(
      messageId,
      (m) => withText(m, text, this.timers.now()),
      () => this.client.editMessage(this.conversationId, messageId, text),
    );

  /** Delete a message; its tombstone shows at once, rolls back and rejects when refused. */
  remove = (messageId: string): Promise<void> =>
    this.change(
      messageId,
      (m) => tombstone(m, this.timers.now()),
      () => this.client.deleteMessage(this.conversationId, messageId),
    );

  /** Add your reaction `emoji`, or take it back when it is yours already; shows at once, rolls back and rejects when refused. */
  toggleReaction = (messageId: string, emoji: string): Promise<void> => {
    const me = this.options.userId?.() ?? '';
    const current = this.byId.get(messageId);
    const mine = current ? (this.overlays.view(current).reactions.find((r) => r.emoji === emoji)?.mine ?? false) : false;
    return this.change(
      messageId,
      (m) => withToggledReaction(m, emoji, me),
      () => this.client.react(this.conversationId, messageId, emoji, { remove: mine }),
    );
  };

  /** Send a message; it shows at once. Resolves when it is sent or has failed (see its state); never rejects. */
  send = (content: MessageContent): Promise<void> => {
    // Sending from an older stretch (after a jump) goes back to the live end, where the message will be.
    if (this.detached) void this.jumpToLatest().catch(() => undefined);
    const localId = this.newId();
    const replyTarget = content.replyTo === undefined ? undefined : this.byId.get(content.replyTo);
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
      editedAt: null,
      deletedAt: null,
      mentions: [],
      groupMention: null,
      reactions: [],
      replyPreview: replyTarget ? replyPreviewOf(replyTarget) : null,
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
        if (frame.data.conversationId !== this.conversationId) return;
        if (this.detached) this.held.push(frame.data);
        else this.merge([frame.data]);
      }),
      this.client.on('message_updated', (frame) => this.onChange({ action: 'message_updated', data: frame.data })),
      this.client.on('message_deleted', (frame) => this.onChange({ action: 'message_deleted', data: frame.data })),
      this.client.on('reaction_updated', (frame) => this.onChange({ action: 'reaction_updated', data: frame.data })),
      this.client.subscribe((state, previous) => this.onConnection(state, previous)),
    ];
    if (this.connected) void this.loadInitial();
    else this.refreshPending();
  }

  protected onStop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.generation++;
    this.clearConfirmed();
    this.overlays.clear();
    this.detached = false;
    this.hasNewer = false;
    this.held = [];
    this.loaded = false;
    this.initial = null;
    this.older = null;
    this.newer = null;
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

  /** After a jump: the next page after the view's end, its changes applied; at the end, rejoin the live stream. */
  private async loadAfter(): Promise<void> {
    const generation = this.generation;
    const after = this.confirmed.at(-1)?.seq ?? 0;
    this.loading = true;
    this.emit();
    try {
      const result = await this.client.request('history', { conversationId: this.conversationId, after, limit: this.pageSize });
      if (generation !== this.generation || !this.detached) return;
      for (const message of result.messages) if (!this.bySeq.has(message.seq)) this.insert(message);
      for (const change of result.changes ?? []) this.onChange(change, false);
      this.loading = false;
      this.error = null;
      if (!result.hasMore) {
        // Reached the live end: the live messages held meanwhile join (the seqs already read are skipped).
        this.detached = false;
        this.hasNewer = false;
        const held = this.held;
        this.held = [];
        this.merge(held);
      }
      this.emit();
    } catch (error) {
      if (generation !== this.generation) return;
      this.loading = false;
      this.fail(error);
    }
  }

  /** A change event of this conversation (live, or from a history page): applied to the loaded copy when newer. */
  private onChange(change: ConversationChange, emit = true): void {
    if (change.data.conversationId !== this.conversationId) return;
    const current = this.byId.get(change.data.messageId);
    if (!current) return;
    const next = applyChange(current, change, this.options.userId?.() ?? null);
    if (next !== current) {
      this.replace(next);
      // Replies quoting it show the new first line, or that it was deleted.
      if (change.action !== 'reaction_updated') {
        for (const reply of this.confirmed) if (reply.replyTo === next.id) this.replace(withQuoteOf(reply, next));
      }
    }
    this.settle(change.data.messageId);
    if (emit) this.emit();
  }

  /** Run an optimistic change: overlay now, settle with the server's event, roll back on failure. */
  private async change(
    messageId: string,
    apply: (message: ConversationMessage) => ConversationMessage,
    request: () => Promise<{ seq: number | null }>,
  ): Promise<void> {
    if (!this.byId.has(messageId)) throw new HeraldError(ErrorCode.NotFound, 'that message is not loaded');
    const overlay = this.overlays.add(messageId, apply);
    this.emit();
    try {
      const result = await request();
      overlay.settledAt = result.seq ?? 0; // seq null: it changed nothing, the server's copy is right
      this.error = null;
      this.settle(messageId);
      this.emit();
    } catch (error) {
      this.overlays.drop(messageId, overlay);
      this.fail(error);
      throw error;
    }
  }

  private settle(messageId: string): void {
    const current = this.byId.get(messageId);
    if (current) this.overlays.settle(current);
  }

  /** Swap a confirmed message for its new state. */
  private replace(next: ConversationMessage): void {
    const index = this.confirmed.findIndex((m) => m.seq === next.seq);
    if (index === -1) return;
    this.confirmed[index] = next;
    this.bySeq.set(next.seq, next);
    this.byId.set(next.id, next);
  }

  private clearConfirmed(): void {
    this.confirmed.length = 0;
    this.bySeq.clear();
    this.byId.clear();
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
      const confirmed = { ...fields, id: result.messageId, seq: result.seq, createdAt: result.createdAt };
      // Viewing an older stretch: it joins at the live end, never in the middle of the stretch.
      if (this.detached) this.held.push(confirmed);
      else this.insert(confirmed);
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
    this.byId.set(entry.id, entry);
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
    const confirmed = this.overlays.size === 0 ? [...this.confirmed] : this.confirmed.map((m) => this.overlays.view(m));
    this.setState({
      messages: locals.length === 0 ? confirmed : [...confirmed, ...locals],
      hasMore: this.hasMore,
      loading: this.loading,
      error: this.error,
      hasNewer: this.hasNewer,
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
