/**
 * What the conversation list events do to a list of conversations, for any list store (the web
 * app's ConversationListStore uses it): `conversation_added` adds or refreshes an entry,
 * `conversation_updated` replaces the fields every member sees alike (title, owner, members),
 * `member_removed` drops the conversation when it is about me, else drops that member.
 * Pure functions: no client, no timers, so any binding can apply them to its own state.
 * Invariants: the list is returned unchanged (the same array) when an event changes nothing, so a
 * store can skip notifying; an entry never loses messages it already counted (an added event older
 * than what the list saw keeps the list's `lastSeq`, `lastMessage` and `unreadCount`).
 */
import type { Conversation, ServerFrameOf } from '@herald/protocol';

/** The server frames that change a conversation list (besides `new_message` and `read_status`). */
export type ConversationListEvent = ServerFrameOf<'conversation_added' | 'conversation_updated' | 'member_removed'>;

/** The actions of ConversationListEvent, to register handlers for. */
export const CONVERSATION_LIST_ACTIONS = ['conversation_added', 'conversation_updated', 'member_removed'] as const;

export interface ListChange {
  /** The list after the event (the same array when nothing changed). */
  conversations: readonly Conversation[];
  /** False when the event is about a conversation the list does not hold and cannot build: load the list again. */
  known: boolean;
}

/** Apply one list event, seen by user `myId`, to `conversations`. */
export function applyConversationListEvent(conversations: readonly Conversation[], event: ConversationListEvent, myId: string): ListChange {
  switch (event.action) {
    case 'conversation_added': {
      const incoming = event.data.conversation;
      const existing = conversations.find((c) => c.id === incoming.id);
      if (!existing) return { conversations: [incoming, ...conversations], known: true };
      // The list may already have counted later messages than the server had when it sent this.
      const merged =
        existing.lastSeq > incoming.lastSeq
          ? { ...incoming, lastSeq: existing.lastSeq, lastMessage: existing.lastMessage, unreadCount: existing.unreadCount }
          : incoming;
      return { conversations: conversations.map((c) => (c === existing ? merged : c)), known: true };
    }
    case 'conversation_updated': {
      const { conversationId, title, ownerId, members } = event.data;
      if (!conversations.some((c) => c.id === conversationId)) return { conversations, known: false };
      return {
        conversations: conversations.map((c) => (c.id === conversationId ? { ...c, title, ownerId, members } : c)),
        known: true,
      };
    }
    case 'member_removed': {
      const { conversationId, userId } = event.data;
      const existing = conversations.find((c) => c.id === conversationId);
      if (!existing) return { conversations, known: userId === myId };
      if (userId === myId) return { conversations: conversations.filter((c) => c !== existing), known: true };
      if (!existing.members.some((m) => m.userId === userId)) return { conversations, known: true };
      const members = existing.members.filter((m) => m.userId !== userId);
      return { conversations: conversations.map((c) => (c === existing ? { ...c, members } : c)), known: true };
    }
  }
}
