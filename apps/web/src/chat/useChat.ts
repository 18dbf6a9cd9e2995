/**
 * useChat: the signed-in user's services (their Herald client and conversation list), provided by
 * the signed-in shell. Its own module, beside the chat code that uses it most, so the shell's
 * children (header, notification center, pages) need not import the shell that renders them.
 */
import type { HeraldClient } from '@herald/client';
import type { User } from '@herald/protocol';
import { createContext, useContext } from 'react';
import type { ConversationListStore } from './conversation-list-store';

export interface ChatServices {
  user: User;
  client: HeraldClient;
  conversations: ConversationListStore;
}

/** Provided by SignedInShell for the signed-in user. */
export const ChatContext = createContext<ChatServices | null>(null);

/** The signed-in user's services (inside the signed-in shell only). */
export function useChat(): ChatServices {
  const value = useContext(ChatContext);
  if (!value) throw new Error('useChat must be used inside <SignedInShell>');
  return value;
}
