/**
 * ReplyQuote: the quoted message at the top of a reply's bubble — its author and first line, or
 * "Message deleted" (deleted or gone) — as a button that jumps to the quoted message.
 */
import type { ReplyPreview } from '@herald/protocol';
import { useI18n } from '../i18n/useI18n';

export interface ReplyQuoteProps {
  preview: ReplyPreview;
  names: ReadonlyMap<string, string>;
  onAccent: boolean;
  onJump: (seq: number) => void;
}

export function ReplyQuote({ preview, names, onAccent, onJump }: ReplyQuoteProps) {
  const { t } = useI18n();
  const gone = preview.deleted || preview.missing;
  const author = (preview.senderId && names.get(preview.senderId)) || preview.senderName || '?';
  const text = gone ? t('chat.reply.deleted') : preview.text || (preview.type && preview.type !== 'text' ? `[${preview.type}]` : '');
  const seq = preview.seq;
  return (
    <button
      type="button"
      className={`mb-1 block w-full min-w-0 rounded-md border-l-[3px] px-2 py-1 text-left text-[13px] leading-snug ${
        onAccent
          ? 'border-white/70 bg-white/15 hover:bg-white/25'
          : 'border-blue-400 bg-slate-100 hover:bg-slate-200 dark:bg-slate-900 dark:hover:bg-slate-950'
      }`}
      data-testid="reply-quote"
      data-reply-seq={seq ?? undefined}
      disabled={seq === null}
      aria-label={t('chat.reply.jump', { name: gone ? '' : author, text })}
      onClick={() => seq !== null && onJump(seq)}
    >
      {!gone && <span className="block truncate font-semibold">{author}</span>}
      <span className={`block truncate ${gone ? 'italic opacity-80' : 'opacity-90'}`}>{text}</span>
    </button>
  );
}
