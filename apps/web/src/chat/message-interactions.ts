/**
 * MessageInteractions: what a message bubble may do and needs to know beyond its message — who I
 * am, the conversation (kind, owner, member names), which message is being edited, and the actions
 * (reply, edit, delete, react, copy link, jump to a quoted message). Provided once per open
 * conversation (useMessageInteractions), read by each bubble, so MessageList need not thread them.
 * `jumpToMessage` defaults to scrolling to the message when it is in the DOM (`#msg-<seq>`); a
 * provider may replace it with one that loads the stretch around it first.
 */
import type { Conversation } from '@herald/protocol';
import { createContext, useContext } from 'react';
import type { Viewer } from './message-permissions';
import type { ConversationMessage } from './types';

export interface MessageInteractions {
  viewer: Viewer;
  conversation: Pick<Conversation, 'id' | 'kind' | 'ownerId'>;
  /** Member names by user id. */
  names: ReadonlyMap<string, string>;
  /** The local id of the message being edited in place, if any. */
  editingId: string | null;
  startEdit: (localId: string | null) => void;
  reply: (message: ConversationMessage) => void;
  /** Save an edit (optimistic; a refusal is toasted). */
  saveEdit: (message: ConversationMessage, text: string) => void;
  /** Ask to delete (a confirm dialog first). */
  askDelete: (message: ConversationMessage) => void;
  toggleReaction: (message: ConversationMessage, emoji: string) => void;
  copyLink: (message: ConversationMessage) => void;
  jumpToMessage: (seq: number) => void;
}

/** The element id of a message's row. */
export const messageElementId = (seq: number) => `msg-${seq}`;

/** Scroll to a message if it is rendered, and flash it; false when it is not in the DOM. */
export function scrollToMessageInDom(seq: number): boolean {
  const element = document.getElementById(messageElementId(seq));
  if (!element) return false;
  element.scrollIntoView({ block: 'center', behavior: 'smooth' });
  element.classList.remove('message-flash');
  // Restart the animation (reading offsetWidth applies the removal first).
  void element.offsetWidth;
  element.classList.add('message-flash');
  return true;
}

export const MessageInteractionsContext = createContext<MessageInteractions | null>(null);

/** The open conversation's interactions, or null outside one (the bubble then shows no actions). */
export function useMessageInteractions(): MessageInteractions | null {
  return useContext(MessageInteractionsContext);
}
