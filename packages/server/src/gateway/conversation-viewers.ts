/**
 * ConversationViewers: which of this node's connections have a conversation open, i.e. follow it
 * with `subscribe` (the client's conversation view does) and have not sent `unsubscribe` since.
 * Large groups' typing indicators and read receipts go only to these (LARGE_GROUP_MIN_MEMBERS in
 * the protocol), so a keystroke in a 5,000-member group costs the sessions looking at it, not 5,000.
 * Invariants: a closed connection is in no set (`drop`, called by LocalSessions.remove); both
 * indexes always agree; an empty set is deleted, so memory follows what is open, not what was.
 */
export class ConversationViewers<C extends object> {
  private readonly byConversation = new Map<string, Set<C>>();
  private readonly byConnection = new Map<C, Set<string>>();

  follow(connection: C, conversationId: string): void {
    let viewers = this.byConversation.get(conversationId);
    if (!viewers) {
      viewers = new Set();
      this.byConversation.set(conversationId, viewers);
    }
    viewers.add(connection);
    let open = this.byConnection.get(connection);
    if (!open) {
      open = new Set();
      this.byConnection.set(connection, open);
    }
    open.add(conversationId);
  }

  unfollow(connection: C, conversationId: string): void {
    const viewers = this.byConversation.get(conversationId);
    if (viewers?.delete(connection) && viewers.size === 0) this.byConversation.delete(conversationId);
    const open = this.byConnection.get(connection);
    if (open?.delete(conversationId) && open.size === 0) this.byConnection.delete(connection);
  }

  /** The connection closed: it views nothing any more. */
  drop(connection: C): void {
    const open = this.byConnection.get(connection);
    if (!open) return;
    this.byConnection.delete(connection);
    for (const conversationId of open) {
      const viewers = this.byConversation.get(conversationId);
      if (viewers?.delete(connection) && viewers.size === 0) this.byConversation.delete(conversationId);
    }
  }

  /** This node's connections that have the conversation open (live, read-only). */
  of(conversationId: string): ReadonlySet<C> {
    return this.byConversation.get(conversationId) ?? EMPTY;
  }

  /** Conversations with at least one viewer on this node. */
  get size(): number {
    return this.byConversation.size;
  }
}

const EMPTY: ReadonlySet<never> = new Set();
