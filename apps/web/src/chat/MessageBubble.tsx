/**
 * One message: my messages on the right with their delivery state (pending, sending, failed, sent,
 * read), others' on the left with the sender's name at the start of a group. A failed message says
 * why and offers Edit (its text back into the composer) and Discard; Retry only when a retry could
 * work (`failure.retryable`). Long words and URLs wrap inside the bubble (`.message-text`).
 */

import { memo } from 'react';
import { useI18n } from '../i18n/useI18n';
import { AlertIcon, CheckCheckIcon, CheckIcon, ClockIcon } from '../layout/icons';
import { AttachmentView } from './AttachmentView';
import type { DeliveryState } from './delivery-state';
import type { MessageFailure } from './outbox-messages';
import type { ConversationMessage } from './types';

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
  const time = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit' }).format(message.createdAt);
  return (
    <div className={`flex px-4 ${mine ? 'justify-end' : 'justify-start'}`} data-message-id={message.localId} data-mine={mine || undefined}>
      <div className={`flex max-w-[85%] flex-col sm:max-w-[70%] ${mine ? 'items-end' : 'items-start'}`}>
        {senderName && <span className="mb-0.5 px-1 text-xs font-medium text-slate-500 dark:text-slate-400">{senderName}</span>}
        <div
          className={`max-w-full min-w-0 rounded-2xl px-3 py-2 ${mine ? 'rounded-br-md bg-blue-600 text-white' : 'rounded-bl-md bg-white text-slate-900 ring-1 ring-slate-200 dark:bg-slate-800 dark:text-slate-100 dark:ring-slate-700'} ${delivery === 'failed' ? 'opacity-80 ring-2 ring-red-400' : ''}`}
        >
          {message.attachment && message.type !== 'text' && (
            <div className={message.text ? 'mb-1' : ''}>
              <AttachmentView type={message.type} attachment={message.attachment} />
            </div>
          )}
          {message.text && (
            <p className="message-text text-[15px] leading-snug" data-testid="message-text">
              {message.text}
            </p>
          )}
        </div>
        <div className="mt-0.5 flex items-center gap-1 px-1 text-[11px] text-slate-500 dark:text-slate-400">
          <time dateTime={new Date(message.createdAt).toISOString()}>{time}</time>
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
      <span className={state === 'sent' ? 'sr-only' : ''}>{label}</span>
    </span>
  );
}
