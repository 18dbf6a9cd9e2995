/**
 * One open conversation: header (back on phones, title, presence or member count), the message
 * list, who is typing, uploads and the composer. Read receipts: the newest message on screen is
 * marked read; my messages show "read" once another member's read position reaches them. In a
 * direct conversation the header offers Block / Unblock; a refused (forbidden) send is a toast.
 * Nothing typed is lost: the composer's text is the conversation's saved draft, a failed message
 * can be put back into it (Edit), and messages the outbox kept from an earlier page load show too.
 * The peer's presence is `unknown` while our own connection is down.
 * Message interactions (reply, edit in place, delete with a confirmation, reactions, copy link,
 * mentions) come from useConversationInteractions and reach the bubbles through
 * MessageInteractionsContext; the header has the conversation's mute toggle.
 * Jumps (useMessageJump): a permalink (`?m=<seq>`, on every navigation to it), a search hit and a
 * reply's quote load the stretch around the message and highlight it there; a message that is not
 * there is a toast. The header's search button opens the search panel on this conversation.
 * Comforts: files pasted into the composer or dropped anywhere on the conversation wait in the
 * attachment tray until Send (the composer's text is the caption, on the first file); the mic
 * records a voice note sent as an audio message; a click on an image opens the Lightbox over the
 * loaded images.
 */

import { type Conversation, ErrorCode } from '@herald/protocol';
import { useConversation, useTyping } from '@herald/react';
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useLocation, useSearchParams } from 'react-router';
import { toast } from 'sonner';
import { useI18n } from '../i18n/useI18n';
import { BackIcon } from '../layout/icons';
import { MuteToggle } from '../notifications/MuteToggle';
import { messageToastId } from '../notifications/NotificationCenter';
import { AttachmentTray } from './AttachmentTray';
import { Avatar } from './Avatar';
import { Composer } from './Composer';
import { ConfirmDialog } from './ConfirmDialog';
import { conversationTitle, otherMembers, othersDeliveredSeq, othersReadSeq } from './conversation-info';
import { GroupHeadcount } from './GroupHeadcount';
import { GroupInfoDialog } from './GroupInfoDialog';
import { Lightbox } from './Lightbox';
import { LightboxContext, lightboxImages } from './lightbox-images';
import { MessageList } from './MessageList';
import { MessageInteractionsContext } from './message-interactions';
import { MESSAGE_PARAM, parseSeqParam } from './permalink';
import { SearchButton } from './SearchButton';
import type { ConversationMessage } from './types';
import { typingLabel } from './typing-label';
import { UploadList } from './UploadList';
import { useBlock } from './useBlock';
import { useChat } from './useChat';
import { useConversationInteractions } from './useConversationInteractions';
import { useDraft } from './useDraft';
import { type JumpFailure, useMessageJump } from './useMessageJump';
import { useOutboxMessages } from './useOutboxMessages';
import { usePeerPresence, usePresenceLabel } from './usePeerPresence';
import { usePendingAttachments } from './usePendingAttachments';
import { useUploads } from './useUploads';

export function ConversationView({
  conversation,
  onJumpToMessage,
  onSearch,
}: {
  conversation: Conversation;
  /** Show a quoted message (default: load the stretch around it, scroll to it and highlight it). */
  onJumpToMessage?: (seq: number) => void;
  /** Open the search panel on this conversation. */
  onSearch?: () => void;
}) {
  const { t } = useI18n();
  const { user, conversations } = useChat();
  const {
    messages,
    hasMore,
    loading,
    loadOlder,
    send: sendNow,
    retry,
    error,
    edit: editMessage,
    remove,
    toggleReaction,
    jumpTo,
    hasNewer,
    loadNewer,
    jumpToLatest,
  } = useConversation(conversation.id);
  // Sending from an older stretch (after a jump) goes back to the live end first, where the message shows.
  const send = useCallback(
    (content: Parameters<typeof sendNow>[0]) => {
      if (hasNewer) void jumpToLatest();
      return sendNow(content);
    },
    [hasNewer, jumpToLatest, sendNow],
  );
  const { typingUserIds, notifyTyping, stopTyping } = useTyping(conversation.id);
  const others = otherMembers(conversation, user.id);
  const peer = conversation.kind === 'direct' ? others[0] : undefined;
  const presenceOf = usePeerPresence(peer ? [peer.userId] : []);
  const presenceLabel = usePresenceLabel();
  const [draft, setDraft] = useDraft(user.id, conversation.id);
  const storeRetry = useCallback((localId: string) => void retry(localId), [retry]);
  const outbox = useOutboxMessages(conversation.id, messages, storeRetry);
  const { discard } = outbox;
  // Read at click time, so `edit` stays the same function while typing (the bubbles are memoised).
  const draftNow = useRef(draft);
  draftNow.current = draft;
  const edit = useCallback(
    (message: ConversationMessage) => {
      // Back into the composer (after what is there already), then the failed copy goes.
      const current = draftNow.current;
      setDraft(current.trim() ? `${current}\n${message.text}` : message.text);
      discard(message.localId);
    },
    [setDraft, discard],
  );
  const block = useBlock(peer?.userId);
  const uploads = useUploads((content) => void send(content));
  const pending = usePendingAttachments();
  const [dragging, setDragging] = useState(false);
  const [infoOpen, setInfoOpen] = useState(false);
  const [viewing, setViewing] = useState<string | null>(null);
  const images = useMemo(() => lightboxImages(outbox.messages), [outbox.messages]);
  // Frozen when the view opens, so the divider stays put while I read.
  const [unreadAfterSeq] = useState(() => {
    if (conversation.unreadCount === 0) return null;
    return conversation.members.find((member) => member.userId === user.id)?.lastReadSeq ?? 0;
  });
  const names = useMemo(() => new Map(conversation.members.map((member) => [member.userId, member.name])), [conversation.members]);
  const actions = useMemo(() => ({ edit: editMessage, remove, toggleReaction }), [editMessage, remove, toggleReaction]);
  const jumpFailed = useCallback(
    (failure: JumpFailure) => {
      const message = failure.kind === 'missing' || failure.error.code === ErrorCode.NotFound ? t('chat.jump.missing') : null;
      toast.error(message ?? t('chat.jump.failed', { message: failure.kind === 'failed' ? failure.error.message : '' }), {
        id: `jump:${conversation.id}`,
      });
    },
    [t, conversation.id],
  );
  const { focus, jumpToMessage } = useMessageJump({ messages, loading, error, jumpTo }, jumpFailed);
  // A permalink: jump on every navigation to one (the location key changes even for the same URL).
  const [params] = useSearchParams();
  const linked = params.get(MESSAGE_PARAM);
  const { key: visit } = useLocation();
  const visited = useRef<string | null>(null);
  useEffect(() => {
    if (linked === null || visited.current === visit) return;
    visited.current = visit;
    const seq = parseSeqParam(linked);
    if (seq === null) jumpFailed({ kind: 'missing' });
    else jumpToMessage(seq);
  }, [linked, visit, jumpToMessage, jumpFailed]);
  const chat = useConversationInteractions(conversation, user, messages, names, actions, onJumpToMessage ?? jumpToMessage);
  const me = conversation.members.find((member) => member.userId === user.id);
  // @all / @here: in groups, for the owner and admins (the server ignores them from others).
  const groupMentions = conversation.kind === 'group' && (me?.role === 'owner' || user.role === 'admin');
  useEffect(() => {
    toast.dismiss(messageToastId(conversation.id));
  }, [conversation.id]);
  const forbidden = error?.code === ErrorCode.Forbidden;
  useEffect(() => {
    // A toast for each refusal (a block either way, or no longer a member); the message shows "Not sent".
    if (error?.code === ErrorCode.Forbidden) toast.error(t('chat.sendForbidden'), { id: `forbidden:${conversation.id}` });
  }, [error, t, conversation.id]);
  const marked = useRef(0);
  const onSeen = useCallback(
    (seq: number) => {
      if (seq <= marked.current) return;
      marked.current = seq;
      conversations.markRead(conversation.id, seq).catch(() => {
        marked.current = 0;
      });
    },
    [conversations, conversation.id],
  );
  const typingNames = typingUserIds.filter((id) => id !== user.id).map((id) => names.get(id) ?? '?');
  const typing = typingLabel(typingNames, t);
  const title = conversationTitle(conversation, user.id);
  const peerPresence = peer ? presenceOf(peer.userId) : undefined;
  const peerLabel = peerPresence && presenceLabel(peerPresence);

  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer.types).includes('Files');

  return (
    <section
      className="relative flex h-full min-h-0 w-full flex-col"
      aria-label={title}
      onDragEnter={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setDragging(true);
      }}
      onDragOver={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        if (!dragging) setDragging(true);
      }}
      onDragLeave={(event) => {
        // Only when leaving the conversation itself, not when moving between its children.
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(event) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setDragging(false);
        pending.add(Array.from(event.dataTransfer.files));
      }}
    >
      {dragging && (
        <div
          className="pointer-events-none absolute inset-2 z-20 flex items-center justify-center rounded-2xl border-2 border-dashed border-blue-500 bg-blue-50/80 text-sm font-medium text-blue-800 dark:bg-slate-900/80 dark:text-blue-200"
          data-testid="drop-zone"
        >
          {t('tray.drop')}
        </div>
      )}
      <div className="flex items-center gap-3 border-b border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900">
        <Link to="/chat" className="btn-icon md:hidden" aria-label={t('chat.back')}>
          <BackIcon />
        </Link>
        <Avatar name={title} seed={conversation.id} image={peer?.avatar} presence={peerPresence?.kind} presenceLabel={peerLabel} />
        <div className="min-w-0">
          <h2 className="truncate font-semibold" data-testid="conversation-title">
            {title}
          </h2>
          <p className="text-xs text-slate-500" data-testid="peer-presence" data-presence={peerPresence?.kind}>
            {peerLabel ?? <GroupHeadcount conversationId={conversation.id} members={conversation.members.length} />}
          </p>
        </div>
        <div className="ml-auto flex shrink-0 items-center gap-2">
          {onSearch && <SearchButton variant="icon" label={t('chat.searchHere')} onClick={onSearch} />}
          <MuteToggle conversationId={conversation.id} />
          {conversation.kind === 'group' && (
            <button type="button" className="btn-secondary text-sm" data-testid="group-info-button" onClick={() => setInfoOpen(true)}>
              {t('group.info')}
            </button>
          )}
          {peer && block.blocked !== undefined && (
            <button type="button" className="btn-secondary text-sm" disabled={block.busy} onClick={() => void block.toggle()}>
              {t(block.blocked ? 'chat.unblock' : 'chat.block')}
            </button>
          )}
        </div>
      </div>
      {infoOpen && conversation.kind === 'group' && <GroupInfoDialog conversation={conversation} onClose={() => setInfoOpen(false)} />}
      {peer && block.blocked && (
        <p className="bg-amber-50 px-4 py-1.5 text-sm text-amber-800 dark:bg-amber-950 dark:text-amber-200" data-testid="blocked-notice">
          {t('chat.blockedNotice', { name: peer.name })}
        </p>
      )}
      {error && (
        <p role="alert" className="bg-red-50 px-4 py-1.5 text-sm text-red-700 dark:bg-red-950 dark:text-red-300">
          {forbidden ? t('chat.sendForbidden') : t('chat.loadError', { message: error.message })}
        </p>
      )}
      <MessageInteractionsContext.Provider value={chat.interactions}>
        <LightboxContext.Provider value={setViewing}>
          <MessageList
            messages={outbox.messages}
            myId={user.id}
            hasMore={hasMore}
            loading={loading}
            unreadAfterSeq={unreadAfterSeq}
            othersReadSeq={othersReadSeq(conversation, user.id)}
            othersDeliveredSeq={othersDeliveredSeq(conversation, user.id)}
            names={names}
            showSenders={conversation.kind === 'group'}
            loadOlder={() => void loadOlder()}
            retry={outbox.retry}
            failures={outbox.failures}
            edit={edit}
            discard={discard}
            onSeen={onSeen}
            focus={focus}
            hasNewer={hasNewer}
            loadNewer={() => void loadNewer()}
            jumpToLatest={jumpToLatest}
          />
        </LightboxContext.Provider>
      </MessageInteractionsContext.Provider>
      <div className="h-6 px-4 text-xs text-slate-500 italic dark:text-slate-400" aria-live="polite" data-testid="typing-indicator">
        {typing}
      </div>
      <UploadList uploads={uploads.uploads} onRetry={uploads.retry} onDismiss={uploads.dismiss} />
      <AttachmentTray items={pending.items} refused={pending.refused} onRemove={pending.remove} onCancel={() => void pending.take()} />
      <Composer
        text={draft}
        onTextChange={setDraft}
        onSend={(text) => {
          const replyTo = chat.replyTo?.messageId;
          chat.cancelReply();
          const files = pending.take();
          if (files.length > 0) {
            // The caption and the reply go with the first file; each file is its own message.
            let turn: Promise<void> | undefined;
            for (const [index, file] of files.entries())
              turn = uploads.add(file, index === 0 ? { ...(text ? { text } : {}), ...(replyTo ? { replyTo } : {}) } : {}, turn);
            return;
          }
          void send(replyTo ? { text, replyTo } : { text });
        }}
        attachmentsPending={pending.items.length > 0}
        onAddFiles={pending.add}
        onVoiceNote={(file) => void uploads.add(file)}
        replyTo={chat.replyTo}
        onCancelReply={chat.cancelReply}
        onEditLast={chat.editLast}
        mentionMembers={conversation.members}
        groupMentions={groupMentions}
        myId={user.id}
        onAttach={uploads.add}
        onTyping={notifyTyping}
        onStopTyping={stopTyping}
      />
      {viewing && images.some((image) => image.fileId === viewing) && (
        <Lightbox images={images} startFileId={viewing} names={names} onClose={() => setViewing(null)} />
      )}
      {chat.pendingDelete && (
        <ConfirmDialog
          title={t('chat.delete.title')}
          body={t('chat.delete.body')}
          confirmLabel={t('chat.delete.confirm')}
          cancelLabel={t('chat.delete.cancel')}
          danger
          onConfirm={chat.confirmDelete}
          onCancel={chat.cancelDelete}
        />
      )}
    </section>
  );
}
