/**
 * /chat and /chat/:conversationId: the list and the open conversation side by side on wide
 * screens; on phones, one at a time (the conversation has a back link).
 */
import { useEffect } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useI18n } from '../i18n/useI18n';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import { useChat } from './useChat';
import { useConversationList } from './useConversationList';

export function ChatPage() {
  const { t } = useI18n();
  const { conversationId = null } = useParams();
  const { conversations: store } = useChat();
  const { conversations, loaded } = useConversationList();
  const conversation = conversationId ? conversations.find((c) => c.id === conversationId) : undefined;
  const navigate = useNavigate();

  // Opened by link before the list knew it (or it sits in a page not loaded yet): fetch it. Removed from the open
  // conversation (or left it): it is gone from the list, so close it.
  useEffect(() => {
    if (!conversationId || !loaded || conversation) return;
    if (store.wasRemoved(conversationId)) navigate('/chat', { replace: true });
    else store.fetchOne(conversationId);
  }, [conversationId, loaded, conversation, store, navigate]);

  return (
    <div className="grid h-full min-h-0 md:grid-cols-[20rem_1fr] lg:grid-cols-[22rem_1fr]">
      <aside className={`${conversationId ? 'hidden md:flex' : 'flex'} min-h-0`} aria-label={t('chat.conversations')}>
        <ConversationList activeId={conversationId} />
      </aside>
      <div className={`${conversationId ? 'flex' : 'hidden md:flex'} min-h-0 min-w-0`}>
        {conversation ? (
          <ConversationView key={conversation.id} conversation={conversation} />
        ) : (
          <div className="flex flex-1 items-center justify-center p-8 text-center text-sm text-slate-500">
            {conversationId ? <span role="status">…</span> : t('chat.selectConversation')}
          </div>
        )}
      </div>
    </div>
  );
}
