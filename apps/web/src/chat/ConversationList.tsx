/**
 * The conversation list: each conversation with its last message, time, unread count and (for
 * direct conversations) the other member's presence dot (unknown while we are offline); and the "new conversation" button.
 * The list arrives a page at a time: when its end scrolls into view (an IntersectionObserver on a
 * sentinel) the next page loads; the "Load more" button there does the same by hand.
 */

import type { Conversation } from '@herald/protocol';
import { useEffect, useMemo, useRef, useState } from 'react';
import { NavLink } from 'react-router';
import { useI18n } from '../i18n/useI18n';
import { PlusIcon } from '../layout/icons';
import { Avatar } from './Avatar';
import { conversationTitle, otherMembers, shortTime } from './conversation-info';
import { NewConversationDialog } from './NewConversationDialog';
import type { PeerPresence } from './presence-display';
import { useChat } from './useChat';
import { useConversationList } from './useConversationList';
import { usePeerPresence, usePresenceLabel } from './usePeerPresence';

export function ConversationList({ activeId }: { activeId: string | null }) {
  const { t } = useI18n();
  const { user, conversations: store } = useChat();
  const { conversations, loaded, error, hasMore, loadingMore } = useConversationList();
  const listRef = useRef<HTMLUListElement>(null);
  const endRef = useRef<HTMLLIElement>(null);
  // Load the next page as the end of the list comes within a screen of view. Observed anew after each
  // page, so an end still in view (a tall window) asks for the page after it too.
  useEffect(() => {
    const end = endRef.current;
    if (!hasMore || loadingMore || !end || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void store.loadMore(), {
      root: listRef.current,
      rootMargin: '0px 0px 100% 0px',
    });
    observer.observe(end);
    return () => observer.disconnect();
  }, [hasMore, loadingMore, store]);
  const [dialogOpen, setDialogOpen] = useState(false);
  const peerIds = useMemo(() => {
    const ids = new Set<string>();
    for (const c of conversations) if (c.kind === 'direct') for (const m of otherMembers(c, user.id)) ids.add(m.userId);
    return [...ids].sort();
  }, [conversations, user.id]);
  const presenceOf = usePeerPresence(peerIds);
  const label = usePresenceLabel();

  return (
    <div className="flex h-full min-h-0 w-full flex-col border-r border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-center justify-between px-4 py-3">
        <h1 className="text-base font-semibold">{t('chat.conversations')}</h1>
        <button type="button" className="btn-primary px-3 py-1.5" onClick={() => setDialogOpen(true)}>
          <PlusIcon className="h-4 w-4" />
          <span>{t('chat.newConversation')}</span>
        </button>
      </div>
      {error && (
        <p role="alert" className="mx-4 mb-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {t('chat.listError', { message: error })}
        </p>
      )}
      {loaded && conversations.length === 0 && !error && <p className="px-4 py-6 text-sm text-slate-500">{t('chat.noConversations')}</p>}
      <ul ref={listRef} className="min-h-0 flex-1 overflow-y-auto" aria-label={t('chat.conversations')}>
        {conversations.map((conversation) => (
          <li key={conversation.id}>
            <ConversationItem
              conversation={conversation}
              myId={user.id}
              active={conversation.id === activeId}
              presence={peerOf(conversation, user.id, presenceOf)}
              presenceLabel={label}
            />
          </li>
        ))}
        {hasMore && (
          <li ref={endRef} className="px-4 py-3 text-center">
            <button
              type="button"
              className="text-sm text-blue-600 hover:underline dark:text-blue-400"
              disabled={loadingMore}
              onClick={() => void store.loadMore()}
            >
              {loadingMore ? t('chat.loadingMore') : t('chat.loadMore')}
            </button>
          </li>
        )}
      </ul>
      {dialogOpen && <NewConversationDialog onClose={() => setDialogOpen(false)} />}
    </div>
  );
}

function peerOf(conversation: Conversation, myId: string, presenceOf: (userId: string) => PeerPresence): PeerPresence | undefined {
  const peer = conversation.kind === 'direct' ? otherMembers(conversation, myId)[0] : undefined;
  return peer ? presenceOf(peer.userId) : undefined;
}

function ConversationItem({
  conversation,
  myId,
  active,
  presence,
  presenceLabel,
}: {
  conversation: Conversation;
  myId: string;
  active: boolean;
  presence?: PeerPresence;
  presenceLabel: (presence: PeerPresence) => string;
}) {
  const { t, locale } = useI18n();
  const title = conversationTitle(conversation, myId);
  const last = conversation.lastMessage;
  const preview = last ? (last.deletedAt !== null ? t('chat.messageDeleted') : last.text || `[${last.type}]`) : '';
  const mine = last?.senderId === myId;
  return (
    <NavLink
      to={`/chat/${conversation.id}`}
      aria-current={active ? 'page' : undefined}
      data-conversation-id={conversation.id}
      className={`flex items-center gap-3 px-4 py-3 hover:bg-slate-50 dark:hover:bg-slate-800 ${active ? 'bg-blue-50 dark:bg-slate-800' : ''}`}
    >
      <Avatar
        name={title}
        seed={conversation.id}
        image={conversation.kind === 'direct' ? conversation.members.find((m) => m.userId !== myId)?.avatar : undefined}
        presence={presence?.kind}
        presenceLabel={presence && presenceLabel(presence)}
      />
      <span className="min-w-0 flex-1">
        <span className="flex items-baseline gap-2">
          <span className="truncate font-medium">{title}</span>
          {conversation.muted && (
            <span className="shrink-0 text-xs text-slate-400" data-testid="muted-mark" title={t('chat.mute.unmute')}>
              🔕<span className="sr-only">{t('chat.mute.label')}</span>
            </span>
          )}
          {last && <span className="ml-auto shrink-0 text-xs text-slate-500">{shortTime(last.createdAt, Date.now(), locale)}</span>}
        </span>
        <span className="flex items-center gap-2">
          <span className="truncate text-sm text-slate-500 dark:text-slate-400">
            {mine && `${t('chat.you')}: `}
            {preview}
          </span>
          {conversation.unreadCount > 0 && (
            <span
              className="ml-auto shrink-0 rounded-full bg-blue-600 px-2 py-0.5 text-xs font-semibold text-white"
              data-testid="unread-count"
            >
              <span aria-hidden="true">{conversation.unreadCount}</span>
              <span className="sr-only">{t('chat.unread', { count: conversation.unreadCount })}</span>
            </span>
          )}
        </span>
      </span>
    </NavLink>
  );
}
