/**
 * One message: my messages on the right with their delivery state (pending, sending, failed, sent ✓,
 * delivered ✓✓ grey, read ✓✓ coloured), others' on the left with the sender's name at the start of a group. A failed message says
 * why and offers Edit (its text back into the composer) and Discard; Retry only when a retry could
 * work (`failure.retryable`).
 * A sent message shows its quoted reply (a button to jump to it), its formatted text (FormattedText),
 * "(edited)" with the edit time as a title, its reactions as chips, and its actions (MessageActions:
 * hover toolbar, "⋯" menu, long press); the one being edited becomes an editor in place. A deleted
 * message is a grey tombstone with no actions. A message that mentions me is highlighted. Its row
 * has `id="msg-<seq>"` and `data-seq`, so a jump can find it. Long words and URLs wrap.
 */

import { memo, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { AlertIcon, CheckCheckIcon, CheckIcon, ClockIcon } from '../layout/icons';
import { AttachmentView } from './AttachmentView';
import type { DeliveryState } from './delivery-state';
import { FormattedText } from './FormattedText';
import { type ActionPanel, MessageActions } from './MessageActions';
import { MessageEditor } from './MessageEditor';
import { messageElementId, useMessageInteractions } from './message-interactions';
import { mentionsMe } from './message-permissions';
import type { MessageFailure } from './outbox-messages';
import { ReactionChips } from './ReactionChips';
import { ReplyQuote } from './ReplyQuote';
import type { ConversationMessage } from './types';
import { useLongPress } from './useLongPress';

export interface MessageBubbleProps {
  message: ConversationMessage;
  mine: boolean;
  senderName: string | null;
  delivery: DeliveryState | null;
  /** Why it failed (failed messages only). */
  failure: MessageFailure | null;
  onRetry: (localId: string) => void;
  onEdit: (message: ConversationMessage) => void;
  onDiscard: (localId: string) => void;
}

const NO_NAMES: ReadonlyMap<string, string> = new Map();

export const MessageBubble = memo(function MessageBubble({
  message,
  mine,
  senderName,
  delivery,
  failure,
  onRetry,
  onEdit,
  onDiscard,
}: MessageBubbleProps) {
  const { t, locale } = useI18n();
  const interactions = useMessageInteractions();
  const [panel, setPanel] = useState<ActionPanel>(null);
  const deleted = message.deletedAt !== null;
  const posted = message.state === 'sent' && !message.pending && message.seq > 0;
  const actionable = interactions !== null && posted && !deleted;
  const longPress = useLongPress(() => setPanel('menu'), actionable);
  const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' });
  const time = clock.format(message.createdAt);
  const names = interactions?.names ?? NO_NAMES;
  const myId = interactions?.viewer.userId ?? '';
  const editing = interactions !== null && interactions.editingId === message.localId && !deleted;
  const forMe = interactions !== null && mentionsMe(message, myId, interactions.conversation.kind);
  const bubbleTone = deleted
    ? 'bg-slate-100 text-slate-500 ring-1 ring-slate-200 italic dark:bg-slate-900 dark:text-slate-400 dark:ring-slate-800'
    : mine
      ? 'rounded-br-md bg-blue-600 text-white'
      : 'rounded-bl-md bg-white text-slate-900 ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700';
  return (
    <div
      id={posted ? messageElementId(message.seq) : undefined}
      data-seq={posted ? message.seq : undefined}
      className={`message-row flex px-4 ${mine ? 'justify-end' : 'justify-start'} ${forMe ? 'message-mentions-me' : ''}`}
      data-message-id={message.localId}
      data-mine={mine || undefined}
      data-deleted={deleted || undefined}
      data-mentions-me={forMe || undefined}
    >
      <div className={`flex max-w-[85%] min-w-0 flex-col sm:max-w-[70%] ${mine ? 'items-end' : 'items-start'}`}>
        {senderName && <span className="mb-0.5 px-1 text-xs font-medium text-slate-500 dark:text-slate-400">{senderName}</span>}
        <div className={`relative flex max-w-full min-w-0 items-center gap-1 ${mine ? 'flex-row-reverse' : ''}`}>
          <div
            className={`max-w-full min-w-0 rounded-2xl px-3 py-2 ${bubbleTone} ${delivery === 'failed' ? 'opacity-80 ring-2 ring-red-400' : ''} ${editing ? 'bg-white text-slate-900 ring-2 ring-blue-400 dark:bg-slate-800 dark:text-slate-100' : ''}`}
            data-testid="message-bubble"
            {...(actionable ? longPress : {})}
          >
            {deleted ? (
              <p className="text-[15px] leading-snug" data-testid="message-deleted">
                {t('chat.deleted')}
              </p>
            ) : editing && interactions ? (
              <MessageEditor
                initial={message.text}
                onSave={(text) => interactions.saveEdit(message, text)}
                onCancel={() => interactions.startEdit(null)}
              />
            ) : (
              <>
                {message.replyPreview && (
                  <ReplyQuote
                    preview={message.replyPreview}
                    names={names}
                    onAccent={mine}
                    onJump={(seq) => interactions?.jumpToMessage(seq)}
                  />
                )}
                {message.attachment && message.type !== 'text' && (
                  <div className={message.text ? 'mb-1' : ''}>
                    <AttachmentView type={message.type} attachment={message.attachment} />
                  </div>
                )}
                {message.text && (
                  <FormattedText
                    text={message.text}
                    mentions={message.mentions}
                    groupMention={message.groupMention}
                    names={names}
                    onAccent={mine}
                    myId={myId}
                  />
                )}
              </>
            )}
          </div>
          {actionable && !editing && interactions && (
            <MessageActions message={message} mine={mine} interactions={interactions} panel={panel} setPanel={setPanel} />
          )}
        </div>
        {!deleted && (
          <ReactionChips
            reactions={message.reactions}
            myId={myId}
            names={names}
            onToggle={actionable && interactions ? (emoji) => interactions.toggleReaction(message, emoji) : null}
          />
        )}
        <div className="mt-0.5 flex items-center gap-1 px-1 text-[11px] text-slate-500 dark:text-slate-400">
          <time dateTime={new Date(message.createdAt).toISOString()}>{time}</time>
          {message.editedAt !== null && !deleted && (
            <span
              data-testid="message-edited"
              title={new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(message.editedAt)}
            >
              {t('chat.edited')}
            </span>
          )}
          {delivery && <DeliveryMark state={delivery} />}
          {delivery === 'failed' && (
            <span className="inline-flex items-center gap-2" data-testid="failed-actions" data-failure={failure?.code}>
              {failure && !failure.retryable && <span className="sr-only">{t('chat.failedReason', { reason: failure.message })}</span>}
              {failure?.retryable && (
                <button type="button" className={ACTION} onClick={() => onRetry(message.localId)}>
                  {t('chat.retry')}
                </button>
              )}
              {message.type === 'text' && (
                <button type="button" className={ACTION} onClick={() => onEdit(message)}>
                  {t('chat.edit')}
                </button>
              )}
              <button type="button" className={ACTION} onClick={() => onDiscard(message.localId)}>
                {t('chat.discard')}
              </button>
            </span>
          )}
        </div>
      </div>
    </div>
  );
});

const ACTION = 'ml-1 font-semibold text-red-600 hover:underline dark:text-red-400';

function DeliveryMark({ state }: { state: DeliveryState }) {
  const { t } = useI18n();
  const label = t(state === 'pending' ? 'chat.state.pending' : `chat.state.${state}`);
  const icon =
    state === 'read' ? (
      <CheckCheckIcon className="h-3.5 w-3.5 text-blue-500" />
    ) : state === 'delivered' ? (
      <CheckCheckIcon className="h-3.5 w-3.5 text-slate-400" />
    ) : state === 'sent' ? (
      <CheckIcon className="h-3.5 w-3.5" />
    ) : state === 'failed' ? (
      <AlertIcon className="h-3.5 w-3.5 text-red-500" />
    ) : (
      <ClockIcon className="h-3.5 w-3.5" />
    );
  return (
    <span className="inline-flex items-center gap-0.5" data-delivery={state} title={label}>
      {icon}
      <span className={state === 'sent' || state === 'delivered' ? 'sr-only' : ''}>{label}</span>
    </span>
  );
}
