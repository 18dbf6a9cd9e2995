/**
 * useTyping: who else is typing in a conversation, and the two calls that report this user's own
 * typing — a thin wrapper over the shared TypingStore of (client, conversationId).
 */
import { typingStoreFor } from '@herald/client/state';
import { useMemo } from 'react';
import { useExternalStore } from './useExternalStore.js';
import { useHeraldClient } from './useHeraldClient.js';

export interface UseTyping {
  typingUserIds: string[];
  /** Call on each keystroke (throttled). */
  notifyTyping(): void;
  /** Call on send or blur. */
  stopTyping(): void;
}

const NOBODY: string[] = [];
const noop = () => undefined;

/** Typing indicators of `conversationId`. */
export function useTyping(conversationId: string | null): UseTyping {
  const client = useHeraldClient();
  const store = conversationId === null ? null : typingStoreFor(client, conversationId);
  const typingUserIds = useExternalStore(store, NOBODY);
  return useMemo(
    () => ({ typingUserIds, notifyTyping: store?.notifyTyping ?? noop, stopTyping: store?.stopTyping ?? noop }),
    [typingUserIds, store],
  );
}
