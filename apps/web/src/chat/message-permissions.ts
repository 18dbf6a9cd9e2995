/**
 * Who may do what to a message, as the server decides it, so the UI offers only what would work:
 * edit your own (sent, not deleted) text messages; delete your own, or any in a group you own, or
 * any as an admin; react to any sent message that is not deleted. The server still has the last
 * word (an edit window it enforces answers `forbidden`, which the UI toasts). Also: whether a
 * message mentions me, and which of my messages the Up arrow edits.
 */
import type { Conversation, Message } from '@herald/protocol';
import type { ConversationMessage } from './types';

export interface Viewer {
  userId: string;
  /** The signed-in user's role (`admin` may delete anything). */
  role: string;
}

/** Sent (the server has it), so it can be changed. */
function posted(message: ConversationMessage): boolean {
  return message.state === 'sent' && !message.pending && message.seq > 0 && message.deletedAt === null;
}

export function canEdit(message: ConversationMessage, viewer: Viewer): boolean {
  return posted(message) && message.type === 'text' && message.senderId === viewer.userId;
}

export function canDelete(message: ConversationMessage, viewer: Viewer, conversation: Pick<Conversation, 'kind' | 'ownerId'>): boolean {
  if (!posted(message)) return false;
  if (message.senderId === viewer.userId || viewer.role === 'admin') return true;
  return conversation.kind === 'group' && conversation.ownerId === viewer.userId;
}

export function canReact(message: ConversationMessage): boolean {
  return posted(message);
}

/** My id among its mentions, or @all / @here in a group (never my own message). */
export function mentionsMe(
  message: Pick<Message, 'mentions' | 'groupMention' | 'senderId' | 'deletedAt'>,
  myId: string,
  kind: Conversation['kind'],
): boolean {
  if (message.senderId === myId || message.deletedAt !== null) return false;
  return message.mentions.includes(myId) || (kind === 'group' && message.groupMention !== null);
}

/** The message the Up arrow in an empty composer edits: my newest editable one. */
export function lastEditable(messages: readonly ConversationMessage[], viewer: Viewer): ConversationMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message && canEdit(message, viewer)) return message;
  }
  return undefined;
}
