/**
 * useOnlineCount: how many members of a conversation are online (`{ members, online }`, null until
 * known), refreshed on connect and every 30 s while shown — what a large group's header shows
 * instead of a presence dot per member. A thin wrapper over the shared OnlineCountStore.
 */
import { type OnlineCount, onlineCountStoreFor } from '@herald/client/state';
import { useExternalStore } from './useExternalStore.js';
import { useHeraldClient } from './useHeraldClient.js';

export function useOnlineCount(conversationId: string): OnlineCount | null {
  const client = useHeraldClient();
  return useExternalStore(onlineCountStoreFor(client, conversationId));
}
