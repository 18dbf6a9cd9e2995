/**
 * useConversation: one conversation's messages (history, live, optimistic sends) — a thin wrapper
 * over the shared ConversationStore of (client, conversationId). `null` shows nothing.
 */
import type { MessageContent } from '@herald/client';
import { type ConversationMessage, type ConversationSnapshot, conversationStoreFor } from '@herald/client/state';
import type { HeraldError } from '@herald/protocol';
import { useMemo } from 'react';
import { useExternalStore } from './useExternalStore.js';
import { useHeraldClient } from './useHeraldClient.js';

export interface UseConversation {
  messages: ConversationMessage[];
  loadOlder(): Promise<void>;
  hasMore: boolean;
  loading: boolean;
  send(content: MessageContent): Promise<void>;
  retry(localId: string): Promise<void>;
  error: HeraldError | null;
}

const EMPTY: ConversationSnapshot = Object.freeze({ messages: [], hasMore: false, loading: false, error: null });
const resolved = () => Promise.resolve();

/** Messages of `conversationId` with paging and optimistic sending. */
export function useConversation(conversationId: string | null): UseConversation {
  const client = useHeraldClient();
  const store = conversationId === null ? null : conversationStoreFor(client, conversationId);
  const snapshot = useExternalStore(store, EMPTY);
  return useMemo(
    () => ({
      ...snapshot,
      loadOlder: store?.loadOlder ?? resolved,
      send: store?.send ?? resolved,
      retry: store?.retry ?? resolved,
    }),
    [snapshot, store],
  );
}
