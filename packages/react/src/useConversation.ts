/**
 * useConversation: one conversation's messages (history, live, optimistic sends) — a thin wrapper
 * over the shared ConversationStore of (client, conversationId). `null` shows nothing.
 */
import type { MessageContent } from '@herald/client';
import type { HeraldError } from '@herald/protocol';
import { useMemo, useSyncExternalStore } from 'react';
import { type ConversationMessage, type ConversationSnapshot, conversationStoreFor } from './core/conversation-store.js';
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
const none = () => () => undefined;
const empty = () => EMPTY;
const resolved = () => Promise.resolve();

/** Messages of `conversationId` with paging and optimistic sending. */
export function useConversation(conversationId: string | null): UseConversation {
  const client = useHeraldClient();
  const store = conversationId === null ? null : conversationStoreFor(client, conversationId);
  const snapshot = useSyncExternalStore(store?.subscribe ?? none, store?.getSnapshot ?? empty, store?.getSnapshot ?? empty);
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
