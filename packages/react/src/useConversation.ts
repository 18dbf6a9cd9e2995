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
  /** In seq order, each in its current state (edited text, tombstone, reactions), then this client's sends on their way. */
  messages: ConversationMessage[];
  loadOlder(): Promise<void>;
  hasMore: boolean;
  loading: boolean;
  send(content: MessageContent): Promise<void>;
  retry(localId: string): Promise<void>;
  error: HeraldError | null;
  /** Edit your text message (optimistic; rolls back and rejects with a HeraldError when refused). */
  edit(messageId: string, text: string): Promise<void>;
  /** Delete a message (optimistic tombstone; rolls back and rejects when refused). */
  remove(messageId: string): Promise<void>;
  /** Add your reaction, or take it back if it is yours (optimistic; rolls back and rejects when refused). */
  toggleReaction(messageId: string, emoji: string): Promise<void>;
  /** Load the page around a message that is not loaded (for replies and permalinks); rejects when it cannot. */
  jumpTo(seq: number): Promise<void>;
  /** After a jump: the view is an older stretch; `loadNewer` extends it, `jumpToLatest` goes back to the live end. */
  hasNewer: boolean;
  loadNewer(): Promise<void>;
  jumpToLatest(): Promise<void>;
}

const EMPTY: ConversationSnapshot = Object.freeze({ messages: [], hasMore: false, loading: false, error: null, hasNewer: false });
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
      edit: store?.edit ?? resolved,
      remove: store?.remove ?? resolved,
      toggleReaction: store?.toggleReaction ?? resolved,
      jumpTo: store?.jumpTo ?? resolved,
      loadNewer: store?.loadNewer ?? resolved,
      jumpToLatest: store?.jumpToLatest ?? resolved,
    }),
    [snapshot, store],
  );
}
