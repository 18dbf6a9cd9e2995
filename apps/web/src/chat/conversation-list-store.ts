/**
 * ConversationListStore: the signed-in user's conversations (REST `GET /conversations`), kept live
 * from socket frames — `new_message` moves a conversation up and counts unread, `read_status`
 * updates members' read positions (receipts) and clears my badge, `conversation_added` /
 * `conversation_updated` / `member_removed` add, rename and drop conversations and members (the
 * SDK's applyConversationListEvent), `message_updated` / `message_deleted` show the last message's
 * new text or "deleted" — and reloaded after every reconnect (frames missed while offline) or when a
 * frame is about a conversation not yet known.
 * Unread counts never count deleted messages: deleting an unread message this store saw arrive
 * decrements the badge; deleting one it cannot place (it came before the list loaded) while some
 * are unread reloads the list (the server counts without it).
 * The list comes a page at a time (GET /conversations is cursor-paginated, most recent first):
 * `loadMore` appends the next page (the list calls it as its end scrolls into view); a reload reads
 * again as many pages as were shown, so a reconnect does not collapse a scrolled list. A message in
 * a conversation not loaded yet (it sits in a later page) fetches that one conversation.
 * Invariant: a list event that arrives while a load is out makes another load follow it, so an
 * answer read before the event (e.g. still holding a conversation I just left) never wins.
 * Framework-free; `useConversationList` wraps it with useSyncExternalStore.
 */
import { type HeraldClient, Subscribable } from '@herald/client';
import { applyConversationListEvent, type ConversationListEvent } from '@herald/client/state';
import type { Conversation, Message, MessageDeletedData, MessageUpdatedData, RestClient } from '@herald/protocol';

export interface ConversationListState {
  readonly conversations: readonly Conversation[];
  readonly loaded: boolean;
  readonly error: string | null;
  /** More conversations wait on the server (load them with `loadMore`). */
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
}

const RELOAD_DEBOUNCE_MS = 250;
/** Conversations per page asked of the server. */
export const CONVERSATION_PAGE = 50;
/** A reload reads at most this many pages again (a list scrolled further comes back a page at a time). */
const RELOAD_MAX_PAGES = 10;
/** Unread messages remembered per conversation (to place a deletion); past it a deletion reloads. */
const UNREAD_REMEMBERED = 500;

export class ConversationListStore extends Subscribable {
  private state: ConversationListState = { conversations: [], loaded: false, error: null, hasMore: false, loadingMore: false };
  /** Where the next page starts (null: everything is loaded). */
  private cursor: string | null = null;
  private loadingMore: Promise<void> | null = null;
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private loading: Promise<void> | null = null;
  /** A list event arrived while the current load was out: its answer may predate it. */
  private staleLoad = false;
  /** Conversations I was removed from (or left) since this store started. */
  private readonly removed = new Set<string>();
  /** Others' messages that arrived live and are unread: conversation id → message id → seq. */
  private readonly unread = new Map<string, Map<string, number>>();

  constructor(
    private readonly client: HeraldClient,
    private readonly api: RestClient,
    private readonly userId: string,
  ) {
    super();
  }

  getSnapshot = (): ConversationListState => this.state;

  /** Start listening to frames and load; returns the stop function. */
  start(): () => void {
    const stops = [
      this.client.on('new_message', (frame) => this.onMessage(frame.data)),
      this.client.on('read_status', (frame) => this.onRead(frame.data.conversationId, frame.data.userId, frame.data.lastReadSeq)),
      // delivery receipts: a member's devices received up to `deliveredSeq` (✓✓ on my messages).
      this.client.on('delivery_status', (frame) =>
        this.patch(frame.data.conversationId, (c) => ({
          ...c,
          members: withDeliveredSeq(c.members, frame.data.userId, frame.data.deliveredSeq),
        })),
      ),
      this.client.on('conversation_added', (frame) => this.onListEvent(frame)),
      this.client.on('conversation_updated', (frame) => this.onListEvent(frame)),
      this.client.on('member_removed', (frame) => this.onListEvent(frame)),
      // profiles: a member's name or avatar changed; every conversation they are in shows the new one.
      this.client.on('user_changed', (frame) => this.onUserChanged(frame.data.user)),
      this.client.on('message_updated', (frame) => this.onUpdated(frame.data)),
      this.client.on('message_deleted', (frame) => this.onDeleted(frame.data)),
      // push: my mute changed (here, in another tab or on another device).
      this.client.on('conversation_muted', (frame) => this.patch(frame.data.conversationId, (c) => ({ ...c, muted: frame.data.muted }))),
      this.client.subscribe((state, previous) => {
        if (state.status === 'connected' && previous.status !== 'connected' && previous.lastConnected !== null) this.scheduleReload();
      }),
    ];
    void this.reload();
    return () => {
      for (const stop of stops) stop();
      if (this.reloadTimer) clearTimeout(this.reloadTimer);
    };
  }

  /** Fetch the list again. */
  reload(): Promise<void> {
    if (!this.loading) {
      this.staleLoad = false;
      const shown = Math.max(CONVERSATION_PAGE, this.state.conversations.length);
      this.loading = this.readPages(shown)
        .then(
          ({ conversations, cursor }) => {
            this.cursor = cursor;
            // The server's counts are the truth now; what arrives from here on is counted again.
            this.unread.clear();
            this.set({ ...this.state, conversations: sortByActivity(conversations), loaded: true, error: null, hasMore: cursor !== null });
            // delivery receipts: each listed last message is on this device now (✓✓ for its sender).
            for (const c of conversations) if (c.lastMessage) this.client.markReceived(c.id, [c.lastMessage]);
          },
          (error: unknown) => this.set({ ...this.state, loaded: true, error: errorText(error) }),
        )
        .finally(() => {
          this.loading = null;
          if (this.staleLoad) this.scheduleReload();
        });
    }
    return this.loading;
  }

  /** Append the next page (no-op when everything is loaded or a load is out). */
  loadMore(): Promise<void> {
    const cursor = this.cursor;
    if (cursor === null || this.loading) return this.loading ?? Promise.resolve();
    if (!this.loadingMore) {
      this.set({ ...this.state, loadingMore: true });
      this.loadingMore = this.api.conversations
        .list({ query: { cursor, limit: CONVERSATION_PAGE } })
        .then(
          (page) => {
            // A reload that ran meanwhile owns the cursor now; this page would be stale.
            if (this.cursor !== cursor) return;
            this.cursor = page.nextCursor ?? null;
            const known = new Set(this.state.conversations.map((c) => c.id));
            // Those already shown are kept as they are (live frames keep them current).
            const added = page.conversations.filter((c) => !known.has(c.id) && !this.removed.has(c.id));
            const conversations = added.length > 0 ? sortByActivity([...this.state.conversations, ...added]) : this.state.conversations;
            this.set({ ...this.state, conversations, hasMore: this.cursor !== null, error: null });
          },
          (error: unknown) => this.set({ ...this.state, error: errorText(error) }),
        )
        .finally(() => {
          this.loadingMore = null;
          this.set({ ...this.state, loadingMore: false });
        });
    }
    return this.loadingMore;
  }

  /** Pages from the start until `count` conversations are read (or the list ends). */
  private async readPages(count: number): Promise<{ conversations: Conversation[]; cursor: string | null }> {
    const conversations: Conversation[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < RELOAD_MAX_PAGES; page++) {
      const answer = await this.api.conversations.list({ query: { limit: CONVERSATION_PAGE, ...(cursor ? { cursor } : {}) } });
      conversations.push(...answer.conversations);
      cursor = answer.nextCursor ?? null;
      if (cursor === null || conversations.length >= count) break;
    }
    return { conversations, cursor };
  }

  /** Fetch one conversation the list does not hold yet (it sits in a page not loaded, or was opened by link) and show it. */
  fetchOne(id: string): void {
    this.api.conversations.get({ params: { id } }).then(
      ({ conversation }) => {
        if (!this.removed.has(id)) this.upsert(conversation);
      },
      () => undefined, // gone or not mine: nothing to show
    );
  }

  /** True when I was removed from (or left) this conversation while the app was open. */
  wasRemoved(id: string): boolean {
    return this.removed.has(id);
  }

  /** One conversation, if known. */
  get(id: string): Conversation | undefined {
    return this.state.conversations.find((conversation) => conversation.id === id);
  }

  /**
   * Mute or unmute a conversation for me on every device (push: the server stops pushing it unless
   * I am mentioned). Shown at once; put back if the server refuses.
   */
  async setMuted(conversationId: string, muted: boolean): Promise<void> {
    const before = this.get(conversationId)?.muted ?? false;
    this.patch(conversationId, (c) => ({ ...c, muted }));
    try {
      await this.api.conversations.mute({ params: { id: conversationId }, body: { muted } });
    } catch (error) {
      this.patch(conversationId, (c) => ({ ...c, muted: before }));
      throw error;
    }
  }

  /** Add or replace a conversation (e.g. one just created). */
  upsert(conversation: Conversation): void {
    const others = this.state.conversations.filter((c) => c.id !== conversation.id);
    this.set({ ...this.state, conversations: sortByActivity([conversation, ...others]) });
  }

  /** Mark read up to `seq` (skipped when already there); updates the badge from the server's answer; members get `read_status`. */
  async markRead(conversationId: string, seq: number): Promise<void> {
    const conversation = this.get(conversationId);
    const me = conversation?.members.find((member) => member.userId === this.userId);
    if (!conversation || (me && me.lastReadSeq >= seq && conversation.unreadCount === 0)) return;
    // REST rather than the socket's `mark_read`: the SDK's request() frames every action as type
    // `control`, and the protocol wants `read` for mark_read, so the frame fails validation locally.
    const result = await this.api.conversations.markRead({ params: { id: conversationId }, body: { seq } });
    this.forgetRead(conversationId, result.lastReadSeq);
    this.patch(conversationId, (c) => ({
      ...c,
      unreadCount: result.unreadCount,
      members: withReadSeq(c.members, this.userId, result.lastReadSeq),
    }));
  }

  private onMessage(message: Message): void {
    const conversation = this.get(message.conversationId);
    if (!conversation) {
      if (this.state.hasMore) this.fetchOne(message.conversationId);
      else this.scheduleReload();
      return;
    }
    if (message.seq <= conversation.lastSeq && conversation.lastMessage && conversation.lastMessage.seq >= message.seq) return;
    const mine = message.senderId === this.userId;
    if (!mine && message.seq > conversation.lastSeq) this.rememberUnread(message);
    this.patch(message.conversationId, (c) => ({
      ...c,
      lastSeq: Math.max(c.lastSeq, message.seq),
      lastMessage: !c.lastMessage || message.seq > c.lastMessage.seq ? message : c.lastMessage,
      unreadCount: mine || message.seq <= c.lastSeq ? c.unreadCount : c.unreadCount + 1,
      members: mine ? withReadSeq(c.members, this.userId, message.seq) : c.members,
    }));
  }

  private onUserChanged(user: { id: string; name: string; avatar: string | null }): void {
    const { conversations } = this.state;
    const next = conversations.map((c) =>
      c.members.some((m) => m.userId === user.id)
        ? { ...c, members: c.members.map((m) => (m.userId === user.id ? { ...m, name: user.name, avatar: user.avatar } : m)) }
        : c,
    );
    if (next.some((c, i) => c !== conversations[i])) this.set({ ...this.state, conversations: next });
  }

  private onListEvent(event: ConversationListEvent): void {
    if (this.loading) this.staleLoad = true;
    if (event.action === 'member_removed' && event.data.userId === this.userId) this.removed.add(event.data.conversationId);
    if (event.action === 'conversation_added') this.removed.delete(event.data.conversation.id);
    const { conversations, known } = applyConversationListEvent(this.state.conversations, event, this.userId);
    if (conversations !== this.state.conversations) this.set({ ...this.state, conversations: sortByActivity(conversations) });
    // Unknown while later pages are unread: it is one of them (a list event does not move it up).
    if (!known && !this.state.hasMore) this.scheduleReload();
  }

  private onRead(conversationId: string, userId: string, lastReadSeq: number): void {
    const conversation = this.get(conversationId);
    if (!conversation) return;
    this.patch(conversationId, (c) => ({ ...c, members: withReadSeq(c.members, userId, lastReadSeq) }));
    if (userId !== this.userId) return;
    this.forgetRead(conversationId, lastReadSeq);
    if (lastReadSeq >= conversation.lastSeq) this.patch(conversationId, (c) => ({ ...c, unreadCount: 0 }));
    else this.scheduleReload();
  }

  /** An edit: the last message shows its new text (only a newer revision than the copy held). */
  private onUpdated(data: MessageUpdatedData): void {
    const last = this.get(data.conversationId)?.lastMessage;
    if (!last || last.id !== data.messageId || data.seq <= (last.revision ?? last.seq) || last.deletedAt !== null) return;
    this.patch(data.conversationId, (c) => ({
      ...c,
      lastMessage: {
        ...last,
        text: data.text,
        mentions: data.mentions,
        groupMention: data.groupMention,
        editedAt: data.at,
        revision: data.seq,
      },
    }));
  }

  /** A deletion: the last message becomes a tombstone, and an unread message no longer counts. */
  private onDeleted(data: MessageDeletedData): void {
    const conversation = this.get(data.conversationId);
    if (!conversation) return;
    const last = conversation.lastMessage;
    const tombstone =
      last && last.id === data.messageId && last.deletedAt === null && data.seq > (last.revision ?? last.seq)
        ? { ...last, text: '', attachment: null, reactions: [], deletedAt: data.at, revision: data.seq }
        : last;
    const unread = this.unread.get(data.conversationId);
    const placed = unread?.has(data.messageId) ?? false;
    unread?.delete(data.messageId);
    const me = conversation.members.find((member) => member.userId === this.userId);
    // Unread, yet not one this store saw arrive (nor the last message, whose seq it knows): ask the server.
    const lastUnread = last?.id === data.messageId && last.senderId !== this.userId && last.seq > (me?.lastReadSeq ?? 0);
    const counted = placed || (lastUnread && last?.deletedAt === null);
    if (!counted && conversation.unreadCount > 0 && last?.id !== data.messageId) this.scheduleReload();
    if (tombstone === last && !counted) return;
    this.patch(data.conversationId, (c) => ({
      ...c,
      lastMessage: tombstone,
      unreadCount: counted ? Math.max(0, c.unreadCount - 1) : c.unreadCount,
    }));
  }

  private rememberUnread(message: Message): void {
    let unread = this.unread.get(message.conversationId);
    if (!unread) {
      unread = new Map();
      this.unread.set(message.conversationId, unread);
    }
    unread.set(message.id, message.seq);
    // Maps iterate in insertion order: the oldest goes first.
    if (unread.size > UNREAD_REMEMBERED) unread.delete(unread.keys().next().value as string);
  }

  private forgetRead(conversationId: string, lastReadSeq: number): void {
    const unread = this.unread.get(conversationId);
    if (!unread) return;
    for (const [id, seq] of unread) if (seq <= lastReadSeq) unread.delete(id);
  }

  private patch(id: string, change: (conversation: Conversation) => Conversation): void {
    const conversations = this.state.conversations.map((c) => (c.id === id ? change(c) : c));
    this.set({ ...this.state, conversations: sortByActivity(conversations) });
  }

  private scheduleReload(): void {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = null;
      void this.reload();
    }, RELOAD_DEBOUNCE_MS);
  }

  private set(next: ConversationListState): void {
    this.state = next;
    this.notify();
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withReadSeq(members: Conversation['members'], userId: string, seq: number): Conversation['members'] {
  return members.map((member) => (member.userId === userId && member.lastReadSeq < seq ? { ...member, lastReadSeq: seq } : member));
}

/** `members` with `userId`'s delivered position raised to `seq` (never lowered). */
function withDeliveredSeq(members: Conversation['members'], userId: string, seq: number): Conversation['members'] {
  return members.map((member) =>
    member.userId === userId && (member.deliveredSeq ?? 0) < seq ? { ...member, deliveredSeq: seq } : member,
  );
}

/** Most recent activity first (last message time, else creation time). */
export function sortByActivity(conversations: readonly Conversation[]): Conversation[] {
  const at = (c: Conversation) => c.lastMessage?.createdAt ?? c.createdAt;
  return [...conversations].sort((a, b) => at(b) - at(a));
}
