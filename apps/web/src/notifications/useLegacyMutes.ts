/**
 * useLegacyMutes: mutes this browser kept locally (before mute was a server setting) are moved to
 * the server once their conversation is in the loaded list, then forgotten locally. Until then
 * nothing changes for them; a failed move is tried again on the next list change.
 */
import { useEffect } from 'react';
import { useChat } from '../chat/useChat';
import { useConversationList } from '../chat/useConversationList';
import { useServices } from '../services';

export function useLegacyMutes(): void {
  const { preferences } = useServices();
  const { user, conversations } = useChat();
  const list = useConversationList();
  useEffect(() => {
    if (!list.loaded) return;
    for (const id of preferences.getMuted(user.id)) {
      const conversation = list.conversations.find((c) => c.id === id);
      if (!conversation) continue;
      if (conversation.muted) preferences.setMuted(user.id, id, false);
      else
        void conversations
          .setMuted(id, true)
          .then(() => preferences.setMuted(user.id, id, false))
          .catch(() => undefined);
    }
  }, [list, preferences, user.id, conversations]);
}
