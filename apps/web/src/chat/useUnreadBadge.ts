/** useUnreadBadge: the signed-in user's unread total in the tab title and on the favicon (UnreadBadge), while mounted. */
import { useEffect, useRef } from 'react';
import { UnreadBadge } from './unread-badge';
import { useConversationList } from './useConversationList';

export function useUnreadBadge(): void {
  const { conversations } = useConversationList();
  const total = conversations.reduce((sum, conversation) => sum + conversation.unreadCount, 0);
  const badge = useRef<UnreadBadge | null>(null);
  useEffect(() => {
    const made = new UnreadBadge(document);
    badge.current = made;
    return () => {
      made.restore();
      badge.current = null;
    };
  }, []);
  useEffect(() => {
    badge.current?.show(total);
  }, [total]);
}
