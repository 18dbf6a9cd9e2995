/** useConversationList: the signed-in user's conversation list (a thin wrapper of ConversationListStore). */
import { useSyncExternalStore } from 'react';
import type { ConversationListState } from './conversation-list-store';
import { useChat } from './useChat';

export function useConversationList(): ConversationListState {
  const { conversations } = useChat();
  return useSyncExternalStore(conversations.subscribe, conversations.getSnapshot);
}
