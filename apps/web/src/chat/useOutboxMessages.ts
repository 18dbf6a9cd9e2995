/**
 * useOutboxMessages: a conversation's messages joined with the SDK outbox (see outbox-messages.ts),
 * plus the Retry and Discard actions: a message the outbox holds is retried and discarded there
 * (`retryMessage` / `discardMessage`: same id, so never sent twice); one it does not hold is sent
 * again through the conversation store (`storeRetry`). Discarded ids are kept per client, so a discarded message stays gone
 * when the conversation is opened again in this page.
 */
import type { HeraldClient } from '@herald/client';
import { useConnectionStatus } from '@herald/react';
import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { mergeOutbox, type OutboxView } from './outbox-messages';
import type { ConversationMessage } from './types';
import { useChat } from './useChat';

/** Per client: the discarded ids (a new set on each change, so it works as a snapshot) and who listens. */
const discardedByClient = new WeakMap<HeraldClient, { ids: ReadonlySet<string>; listeners: Set<() => void> }>();

function discardedOf(client: HeraldClient) {
  let entry = discardedByClient.get(client);
  if (!entry) {
    entry = { ids: new Set(), listeners: new Set() };
    discardedByClient.set(client, entry);
  }
  return entry;
}

export function useOutboxMessages(
  conversationId: string,
  messages: readonly ConversationMessage[],
  storeRetry: (localId: string) => void,
): OutboxView & { discard: (localId: string) => void; retry: (localId: string) => void } {
  const { client, user } = useChat();
  const records = useSyncExternalStore(client.onOutboxChange, () => client.pendingMessages());
  const connected = useConnectionStatus().status === 'connected';
  const discarded = discardedOf(client);
  const discardedIds = useSyncExternalStore(
    useCallback(
      (listener: () => void) => {
        discarded.listeners.add(listener);
        return () => discarded.listeners.delete(listener);
      },
      [discarded],
    ),
    () => discarded.ids,
  );
  const discard = useCallback(
    (localId: string) => {
      client.discardMessage(localId);
      discarded.ids = new Set([...discarded.ids, localId]);
      for (const listener of discarded.listeners) listener();
    },
    [client, discarded],
  );
  const retry = useCallback(
    (localId: string) => {
      const held = client.pendingMessages().some((record) => record.id === localId && record.state === 'failed');
      // A refusal again shows as the message's failure (the outbox keeps it); nothing else to report.
      if (held) client.retryMessage(localId).catch(() => undefined);
      else storeRetry(localId);
    },
    [client, storeRetry],
  );
  const view = useMemo(
    () => mergeOutbox(messages, records, { conversationId, userId: user.id, connected, discarded: discardedIds }),
    [messages, records, conversationId, user.id, connected, discardedIds],
  );
  return { ...view, discard, retry };
}
