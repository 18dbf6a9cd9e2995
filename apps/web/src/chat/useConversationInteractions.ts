/**
 * useConversationInteractions: the message interactions of one open conversation — the reply
 * being written, the message being edited, the deletion waiting for its confirmation — and the
 * MessageInteractions value the bubbles read. Edits, deletions and reactions are optimistic in the
 * SDK; a refusal rolls back there and is toasted here (why: the edit window passed, not allowed,
 * too many reactions). Copy link copies `<origin>/chat/<id>?m=<seq>`.
 */
import type { Conversation, User } from '@herald/protocol';
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { UseConversation } from '@herald/react';
import { useCallback, useMemo, useRef, useState } from 'react';
import { toast } from 'sonner';
import { useI18n } from '../i18n/useI18n';
import type { ReplyTarget } from './ComposerReplyBar';
import { type MessageInteractions, scrollToMessageInDom } from './message-interactions';
import { lastEditable } from './message-permissions';
import type { ConversationMessage } from './types';

export interface ConversationInteractions {
  interactions: MessageInteractions;
  replyTo: ReplyTarget | null;
  cancelReply: () => void;
  /** Up arrow in the empty composer: edit my last text message (false when none). */
  editLast: () => boolean;
  /** The message waiting for "Delete?" to be confirmed. */
  pendingDelete: ConversationMessage | null;
  confirmDelete: () => void;
  cancelDelete: () => void;
}

type Actions = Pick<UseConversation, 'edit' | 'remove' | 'toggleReaction'>;

export function useConversationInteractions(
  conversation: Conversation,
  user: Pick<User, 'id' | 'role'>,
  messages: readonly ConversationMessage[],
  names: ReadonlyMap<string, string>,
  actions: Actions,
  onJumpToMessage: (seq: number) => void = scrollToMessageInDom,
): ConversationInteractions {
  const { t } = useI18n();
  const [replyTo, setReplyTo] = useState<ReplyTarget | null>(null);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [pendingDelete, setPendingDelete] = useState<ConversationMessage | null>(null);
  const latest = useRef({ messages, actions, t, onJumpToMessage });
  latest.current = { messages, actions, t, onJumpToMessage };

  const refused = useCallback((kind: 'edit' | 'delete' | 'react') => {
    return (error: unknown) => {
      const { t } = latest.current;
      const code = error instanceof HeraldError ? error.code : null;
      const reason =
        code === ErrorCode.Forbidden
          ? t(`chat.refused.${kind}Forbidden`)
          : code === ErrorCode.TooBig
            ? t('chat.refused.tooManyReactions')
            : t('chat.refused.other', { message: error instanceof Error ? error.message : String(error) });
      toast.error(reason, { id: `refused:${kind}` });
    };
  }, []);

  const viewer = useMemo(() => ({ userId: user.id, role: user.role }), [user.id, user.role]);
  const { id, kind, ownerId } = conversation;
  const interactions = useMemo<MessageInteractions>(
    () => ({
      viewer,
      conversation: { id, kind, ownerId },
      names,
      editingId,
      startEdit: setEditingId,
      reply: (message) => {
        const firstLine = message.text.split('\n', 1)[0]?.trim() ?? '';
        setReplyTo({
          messageId: message.id,
          author: message.senderId === viewer.userId ? latest.current.t('chat.you') : (names.get(message.senderId) ?? '?'),
          text: firstLine || (message.type === 'text' ? '' : (message.attachment?.name ?? `[${message.type}]`)),
        });
      },
      saveEdit: (message, text) => {
        setEditingId(null);
        latest.current.actions.edit(message.id, text).catch(refused('edit'));
      },
      askDelete: setPendingDelete,
      toggleReaction: (message, emoji) => {
        latest.current.actions.toggleReaction(message.id, emoji).catch(refused('react'));
      },
      copyLink: (message) => {
        const { t } = latest.current;
        const link = `${location.origin}/chat/${id}?m=${message.seq}`;
        navigator.clipboard.writeText(link).then(
          () => toast.success(t('chat.action.linkCopied'), { id: 'link-copied' }),
          () => toast.error(t('chat.action.linkCopyFailed', { link }), { id: 'link-copied' }),
        );
      },
      jumpToMessage: (seq) => latest.current.onJumpToMessage(seq),
    }),
    [viewer, id, kind, ownerId, names, editingId, refused],
  );

  const editLast = useCallback(() => {
    const message = lastEditable(latest.current.messages, viewer);
    if (!message) return false;
    setEditingId(message.localId);
    return true;
  }, [viewer]);

  return {
    interactions,
    replyTo,
    cancelReply: useCallback(() => setReplyTo(null), []),
    editLast,
    pendingDelete,
    confirmDelete: () => {
      const message = pendingDelete;
      setPendingDelete(null);
      if (message) latest.current.actions.remove(message.id).catch(refused('delete'));
    },
    cancelDelete: () => setPendingDelete(null),
  };
}
