/**
 * /chat and /chat/:conversationId: the list and the open conversation side by side on wide
 * screens; on phones, one at a time (the conversation has a back link). `?m=<seq>` opens the
 * conversation at that message (ConversationView). A conversation that cannot be opened (gone, or
 * not mine) says so, with a toast, instead of a blank pane.
 * Message search: the bar above the list (all conversations), the conversation header's button
 * (this one) or Ctrl/⌘+Shift+F opens the SearchPanel — a third column from `lg` up, over the page below.
 * Ctrl/⌘K opens the QuickSwitcher (go to a conversation by name). While the page is open, the tab
 * title and the favicon show the unread total (useUnreadBadge).
 */
import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { toast } from 'sonner';
import { useI18n } from '../i18n/useI18n';
import { useServices } from '../services';
import { ConversationList } from './ConversationList';
import { ConversationView } from './ConversationView';
import { QuickSwitcher } from './QuickSwitcher';
import { isQuickSwitcherShortcut } from './quick-switcher-shortcut';
import { SearchButton } from './SearchButton';
import { SearchPanel, type SearchScope } from './SearchPanel';
import { isSearchShortcut } from './search-shortcut';
import { useChat } from './useChat';
import { useConversationList } from './useConversationList';
import { useUnreadBadge } from './useUnreadBadge';

export function ChatPage() {
  const { t } = useI18n();
  const { conversationId = null } = useParams();
  const { conversations: store } = useChat();
  const { api } = useServices();
  const { conversations, loaded } = useConversationList();
  const conversation = conversationId ? conversations.find((c) => c.id === conversationId) : undefined;
  const navigate = useNavigate();
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [search, setSearch] = useState<{ scope: SearchScope; focus: number } | null>(null);
  const [switching, setSwitching] = useState(false);
  useUnreadBadge();

  // Opened by link before the list knew it (or it sits in a page not loaded yet): fetch it. Removed from the open
  // conversation (or left it): it is gone from the list, so close it.
  useEffect(() => {
    if (!conversationId || !loaded || conversation) return;
    if (store.wasRemoved(conversationId)) {
      navigate('/chat', { replace: true });
      return;
    }
    let current = true;
    api.conversations.get({ params: { id: conversationId } }).then(
      ({ conversation: found }) => {
        if (!store.wasRemoved(found.id)) store.upsert(found);
      },
      () => current && setUnavailable(conversationId), // gone, or not mine
    );
    return () => {
      current = false;
    };
  }, [conversationId, loaded, conversation, store, navigate, api]);
  const gone = conversationId !== null && unavailable === conversationId && !conversation;
  useEffect(() => {
    if (gone) toast.error(t('chat.unavailable'), { id: `unavailable:${conversationId}` });
  }, [gone, conversationId, t]);

  const openSearch = useCallback(
    (scope: SearchScope) => setSearch((open) => ({ scope: open?.scope ?? scope, focus: (open?.focus ?? 0) + 1 })),
    [],
  );
  const closeSearch = useCallback(() => setSearch(null), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (isQuickSwitcherShortcut(event)) {
        event.preventDefault(); // not the browser's address-bar search
        setSwitching(true);
        return;
      }
      if (!isSearchShortcut(event)) return;
      event.preventDefault();
      openSearch('all');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [openSearch]);

  return (
    <div
      className={`grid h-full min-h-0 md:grid-cols-[20rem_1fr] ${search ? 'lg:grid-cols-[22rem_1fr_24rem]' : 'lg:grid-cols-[22rem_1fr]'}`}
    >
      <aside className={`${conversationId ? 'hidden md:flex' : 'flex'} min-h-0 flex-col`} aria-label={t('chat.conversations')}>
        <div className="border-r border-slate-200 bg-white px-3 pt-3 dark:border-slate-800 dark:bg-slate-900">
          <SearchButton variant="bar" onClick={() => openSearch('all')} />
        </div>
        <div className="flex min-h-0 flex-1">
          <ConversationList activeId={conversationId} />
        </div>
      </aside>
      <div className={`${conversationId ? 'flex' : 'hidden md:flex'} min-h-0 min-w-0`}>
        {conversation ? (
          <ConversationView key={conversation.id} conversation={conversation} onSearch={() => openSearch('conversation')} />
        ) : gone ? (
          <div
            className="flex flex-1 flex-col items-center justify-center gap-3 p-8 text-center text-sm text-slate-500"
            data-testid="conversation-unavailable"
          >
            <p>{t('chat.unavailable')}</p>
            <Link to="/chat" className="btn-secondary">
              {t('chat.back')}
            </Link>
          </div>
        ) : (
          <div className="flex flex-1 items-center justify-center p-8 text-center text-sm text-slate-500">
            {conversationId ? <span role="status">…</span> : t('chat.selectConversation')}
          </div>
        )}
      </div>
      {search && (
        <SearchPanel
          conversationId={conversation ? conversation.id : null}
          initialScope={conversation ? search.scope : 'all'}
          focusRequest={search.focus}
          onClose={closeSearch}
        />
      )}
      {switching && (
        <QuickSwitcher
          onClose={() => setSwitching(false)}
          onChoose={(id) => {
            setSwitching(false);
            navigate(`/chat/${id}`);
          }}
        />
      )}
    </div>
  );
}
