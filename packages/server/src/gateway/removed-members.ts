/**
 * RemovedMembers: who was lately removed from which conversation, as this node heard it on the bus
 * (`membership_changed` with `removedUserIds`). LocalSessions drops a conversation's frames for
 * those users even when the frame's recipient list was made from an older member list: a node whose
 * member cache had not yet heard of the removal, or an event held back or fetched for a seq gap.
 * The bus carries every message on one ordered channel, so a frame published after the removal
 * reached the bus arrives after it on every node: a removed member gets nothing of the conversation
 * from then on, on any node.
 * Invariants: an entry ends when the user is added back (`addedUserIds`), or `ttlMs` after the
 * removal (by then every node's member cache has heard of it; the entry only bounds memory).
 */
export class RemovedMembers {
  private readonly byConversation = new Map<string, Map<string, number>>();

  constructor(private readonly ttlMs: number) {}

  /** These users left the conversation at `now`. */
  removed(conversationId: string, userIds: readonly string[], now: number): void {
    if (userIds.length === 0) return;
    let users = this.byConversation.get(conversationId);
    if (!users) {
      users = new Map();
      this.byConversation.set(conversationId, users);
    }
    for (const userId of userIds) users.set(userId, now);
  }

  /** These users are members again. */
  added(conversationId: string, userIds: readonly string[]): void {
    const users = this.byConversation.get(conversationId);
    if (!users) return;
    for (const userId of userIds) users.delete(userId);
    if (users.size === 0) this.byConversation.delete(conversationId);
  }

  /** The users lately removed from a conversation (undefined when none: the common case, one lookup). */
  of(conversationId: string): ReadonlyMap<string, number> | undefined {
    return this.byConversation.get(conversationId);
  }

  /** Forget removals older than `ttlMs`. */
  sweep(now: number): void {
    for (const [conversationId, users] of this.byConversation) {
      for (const [userId, at] of users) if (now - at > this.ttlMs) users.delete(userId);
      if (users.size === 0) this.byConversation.delete(conversationId);
    }
  }
}
