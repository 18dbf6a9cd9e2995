/** useConversationList: the signed-in user's conversation list (a thin wrapper of ConversationListStore). */
import { useSyncExternalStore } from 'react';
import { useChat } from '../layout/SignedInShell';
import type { ConversationListState } from './conversation-list-store';

export function useConversationList(): ConversationListState {
  const { conversations } = useChat();
  return useSyncExternalStore(conversations.subscribe, conversations.getSnapshot);
}
