/**
 * ComposerReplyBar: above the composer while replying — "Replying to <author>" and the quoted
 * message's first line, with ✕ to cancel (Escape in the composer cancels too).
 */
import { useI18n } from '../i18n/useI18n';
import { CloseIcon } from '../layout/icons';

export interface ReplyTarget {
  messageId: string;
  author: string;
  /** The first line of its text (or its kind, for an attachment). */
  text: string;
}

export function ComposerReplyBar({ target, onCancel }: { target: ReplyTarget; onCancel: () => void }) {
  const { t } = useI18n();
  return (
    <div
      className="flex items-center gap-2 border-l-[3px] border-blue-500 bg-slate-50 py-1.5 pr-1 pl-3 dark:bg-slate-800/60"
      data-testid="reply-bar"
    >
      <div className="min-w-0 flex-1 text-sm">
        <p className="truncate text-xs font-semibold text-blue-700 dark:text-blue-300">{t('chat.reply.to', { name: target.author })}</p>
        <p className="truncate text-slate-600 dark:text-slate-300">{target.text}</p>
      </div>
      <button
        type="button"
        className="btn-icon h-8 w-8"
        aria-label={t('chat.reply.cancel')}
        title={t('chat.reply.cancel')}
        onClick={onCancel}
      >
        <CloseIcon className="h-4 w-4" />
      </button>
    </div>
  );
}
