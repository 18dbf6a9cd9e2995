/**
 * ConversationListStore: the signed-in user's conversations (REST `GET /conversations`), kept live
 * from socket frames — `new_message` moves a conversation up and counts unread, `read_status`
 * updates members' read positions (receipts) and clears my badge, `conversation_added` /
 * `conversation_updated` / `member_removed` add, rename and drop conversations and members (the
 * SDK's applyConversationListEvent) — and reloaded after every reconnect (frames missed while
 * offline) or when a frame is about a conversation not yet known.
 * Invariant: a list event that arrives while a load is out makes another load follow it, so an
 * answer read before the event (e.g. still holding a conversation I just left) never wins.
 * Framework-free; `useConversationList` wraps it with useSyncExternalStore.
 */
import { type HeraldClient, Subscribable } from '@herald/client';
import { applyConversationListEvent, type ConversationListEvent } from '@herald/client/state';
import type { Conversation, Message, RestClient } from '@herald/protocol';

export interface ConversationListState {
  readonly conversations: readonly Conversation[];
  readonly loaded: boolean;
  readonly error: string | null;
}

const RELOAD_DEBOUNCE_MS = 250;

export class ConversationListStore extends Subscribable {
  private state: ConversationListState = { conversations: [], loaded: false, error: null };
  private reloadTimer: ReturnType<typeof setTimeout> | null = null;
  private loading: Promise<void> | null = null;
  /** A list event arrived while the current load was out: its answer may predate it. */
  private staleLoad = false;
  /** Conversations I was removed from (or left) since this store started. */
  private readonly removed = new Set<string>();

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
      this.client.on('conversation_added', (frame) => this.onListEvent(frame)),
      this.client.on('conversation_updated', (frame) => this.onListEvent(frame)),
      this.client.on('member_removed', (frame) => this.onListEvent(frame)),
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
      this.loading = this.api.conversations
        .list()
        .then(
          ({ conversations }) => this.set({ conversations: sortByActivity(conversations), loaded: true, error: null }),
          (error: unknown) => this.set({ ...this.state, loaded: true, error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => {
          this.loading = null;
          if (this.staleLoad) this.scheduleReload();
        });
    }
    return this.loading;
  }

  /** True when I was removed from (or left) this conversation while the app was open. */
  wasRemoved(id: string): boolean {
    return this.removed.has(id);
  }

  /** One conversation, if known. */
  get(id: string): Conversation | undefined {
    return this.state.conversations.find((conversation) => conversation.id === id);
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
    this.patch(conversationId, (c) => ({
      ...c,
      unreadCount: result.unreadCount,
      members: withReadSeq(c.members, this.userId, result.lastReadSeq),
    }));
  }

  private onMessage(message: Message): void {
    const conversation = this.get(message.conversationId);
    if (!conversation) {
      this.scheduleReload();
      return;
    }
    if (message.seq <= conversation.lastSeq && conversation.lastMessage && conversation.lastMessage.seq >= message.seq) return;
    const mine = message.senderId === this.userId;
    this.patch(message.conversationId, (c) => ({
      ...c,
      lastSeq: Math.max(c.lastSeq, message.seq),
      lastMessage: !c.lastMessage || message.seq > c.lastMessage.seq ? message : c.lastMessage,
      unreadCount: mine || message.seq <= c.lastSeq ? c.unreadCount : c.unreadCount + 1,
      members: mine ? withReadSeq(c.members, this.userId, message.seq) : c.members,
    }));
  }

  private onListEvent(event: ConversationListEvent): void {
    if (this.loading) this.staleLoad = true;
    if (event.action === 'member_removed' && event.data.userId === this.userId) this.removed.add(event.data.conversationId);
    if (event.action === 'conversation_added') this.removed.delete(event.data.conversation.id);
    const { conversations, known } = applyConversationListEvent(this.state.conversations, event, this.userId);
    if (conversations !== this.state.conversations) this.set({ ...this.state, conversations: sortByActivity(conversations) });
    if (!known) this.scheduleReload();
  }

  private onRead(conversationId: string, userId: string, lastReadSeq: number): void {
    const conversation = this.get(conversationId);
    if (!conversation) return;
    this.patch(conversationId, (c) => ({ ...c, members: withReadSeq(c.members, userId, lastReadSeq) }));
    if (userId !== this.userId) return;
    if (lastReadSeq >= conversation.lastSeq) this.patch(conversationId, (c) => ({ ...c, unreadCount: 0 }));
    else this.scheduleReload();
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

function withReadSeq(members: Conversation['members'], userId: string, seq: number): Conversation['members'] {
  return members.map((member) => (member.userId === userId && member.lastReadSeq < seq ? { ...member, lastReadSeq: seq } : member));
}

/** Most recent activity first (last message time, else creation time). */
export function sortByActivity(conversations: readonly Conversation[]): Conversation[] {
  const at = (c: Conversation) => c.lastMessage?.createdAt ?? c.createdAt;
  return [...conversations].sort((a, b) => at(b) - at(a));
}
