/**
 * The composer: Enter sends, Shift+Enter adds a line (never while an input method is composing),
 * grows with its text, tells the others I am typing, and has an attach button. It works offline:
 * sends go to the outbox and show as pending.
 * Its text is the caller's (`text` / `onTextChange`: the conversation's saved draft). It shows the
 * length limit from 90% of it, and text over the limit is refused with a message and kept: the
 * composer clears only what it handed to `onSend`.
 * Replying: a reply bar above the box (✕ or Escape cancels). Typing `@` opens the mention menu
 * (arrows move, Enter or Tab choose `@Name `, Escape closes). Up arrow in an empty box edits my
 * last message (`onEditLast`).
 * Files pasted into the box go to `onAddFiles` (the conversation's attachment tray); while files
 * wait there (`attachmentsPending`) Send works with no text: the text is their caption. The mic
 * button swaps the box for the voice-note recorder (VoiceRecorderBar) until it sends or cancels.
 */
import type { MentionMember, MentionSuggestion } from '@herald/client/state';
import { useMentionSuggestions } from '@herald/react';
import { type KeyboardEvent, useEffect, useId, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { MicIcon, PaperclipIcon, SendIcon } from '../layout/icons';
import { ComposerMentionMenu, suggestionId } from './ComposerMentionMenu';
import { ComposerReplyBar, type ReplyTarget } from './ComposerReplyBar';
import { composerKeyAction } from './composer-keys';
import { composerLimit } from './composer-limit';
import { insertMention, type MentionQuery, mentionQueryAt } from './composer-mention';
import { VoiceRecorderBar } from './VoiceRecorderBar';

export interface ComposerProps {
  /** The text in the box (the saved draft). */
  text: string;
  onTextChange: (text: string) => void;
  onSend: (text: string) => void;
  onAttach?: (file: File) => void;
  onTyping?: () => void;
  onStopTyping?: () => void;
  disabled?: boolean;
  /** The message being replied to (a bar above the box), and how to drop it. */
  replyTo?: ReplyTarget | null;
  onCancelReply?: () => void;
  /** Up arrow in the empty box: edit my last message; false when there is none. */
  onEditLast?: () => boolean;
  /** Who can be @mentioned (the conversation's members). */
  mentionMembers?: readonly MentionMember[];
  /** Offer @all / @here. */
  groupMentions?: boolean;
  /** Left out of the suggestions (me). */
  myId?: string;
  /** Files wait to be sent with this text as their caption: Send works with an empty box. */
  attachmentsPending?: boolean;
  /** Files pasted into the box. */
  onAddFiles?: (files: File[]) => void;
  /** A recorded voice note, to upload and send; without it there is no mic button. */
  onVoiceNote?: (file: File) => void;
}

const NO_MEMBERS: readonly MentionMember[] = [];

const MAX_ROWS_PX = 160;

export function Composer({
  text,
  onTextChange: setText,
  onSend,
  onAttach,
  onTyping,
  onStopTyping,
  disabled,
  replyTo = null,
  onCancelReply,
  onEditLast,
  mentionMembers = NO_MEMBERS,
  groupMentions = false,
  myId,
  attachmentsPending = false,
  onAddFiles,
  onVoiceNote,
}: ComposerProps) {
  const { t, locale } = useI18n();
  const limit = composerLimit(text);
  const area = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const id = useId();
  const [mention, setMention] = useState<MentionQuery | null>(null);
  /** The @ whose menu Escape closed (it stays closed until another @). */
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [recording, setRecording] = useState(false);
  const open = mention !== null && mention.start !== dismissedAt ? mention : null;
  const suggestions = useMentionSuggestions(mentionMembers, open ? open.query : null, { groupMentions, exclude: myId ?? null, limit: 8 });
  const menuOpen = open !== null && suggestions.length > 0;
  const menuId = `${id}-mentions`;

  const track = (value: string, caret: number | null) => {
    const next = caret === null ? null : mentionQueryAt(value, caret);
    setMention((current) => (current?.start === next?.start && current?.query === next?.query ? current : next));
    if (next?.start !== mention?.start || next?.query !== mention?.query) setActive(0);
  };

  const choose = (suggestion: MentionSuggestion) => {
    const element = area.current;
    if (!element || !open) return;
    const result = insertMention(text, element.selectionStart, open, suggestion.name);
    setText(result.text);
    setMention(null);
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(result.caret, result.caret);
    });
  };

  // Replying: the box gets the focus, to write the reply.
  useEffect(() => {
    if (replyTo) area.current?.focus();
  }, [replyTo]);

  const resize = () => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_ROWS_PX)}px`;
  };

  // Text set from outside (a draft restored after a reload, a failed message put back) sizes the box too.
  // biome-ignore lint/correctness/useExhaustiveDependencies: resize reads the textarea, which `text` changes
  useLayoutEffect(resize, [text]);

  const submit = () => {
    const value = text.trim();
    // Over the limit: the message under the box says why, and the text stays.
    if ((!value && !attachmentsPending) || limit.over) return;
    onSend(value);
    setText('');
    onStopTyping?.();
    requestAnimationFrame(resize);
    area.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    const composing = event.nativeEvent.isComposing || event.keyCode === 229;
    if (menuOpen && !composing) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : -1;
        setActive((index) => (index + step + suggestions.length) % suggestions.length);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        event.preventDefault();
        const suggestion = suggestions[Math.min(active, suggestions.length - 1)];
        if (suggestion) choose(suggestion);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setDismissedAt(open.start);
        return;
      }
    }
    if (event.key === 'Escape' && replyTo && !composing) {
      event.preventDefault();
      onCancelReply?.();
      return;
    }
    if (event.key === 'ArrowUp' && text === '' && !composing && !event.shiftKey && !event.altKey && !event.ctrlKey && !event.metaKey) {
      if (onEditLast?.()) event.preventDefault();
      return;
    }
    const action = composerKeyAction({
      key: event.key,
      shiftKey: event.shiftKey,
      altKey: event.altKey,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      isComposing: event.nativeEvent.isComposing,
      keyCode: event.keyCode,
    });
    if (action === 'send') {
      event.preventDefault();
      submit();
    }
  };

  const number = new Intl.NumberFormat(locale);
  const counterId = `${id}-count`;
  return (
    <div className="border-t border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      {replyTo && <ComposerReplyBar target={replyTo} onCancel={() => onCancelReply?.()} />}
      {menuOpen && <ComposerMentionMenu id={menuId} suggestions={suggestions} active={active} onChoose={choose} />}
      {recording && onVoiceNote && (
        <VoiceRecorderBar
          onSend={onVoiceNote}
          onClose={() => {
            setRecording(false);
            requestAnimationFrame(() => area.current?.focus());
          }}
        />
      )}
      {limit.over && (
        <p role="alert" className="px-3 pt-2 text-sm text-red-700 dark:text-red-300" data-testid="composer-too-long">
          {t('chat.composer.tooLong', {
            count: number.format(limit.length),
            max: number.format(limit.max),
            over: number.format(limit.excess),
          })}
        </p>
      )}
      <form
        hidden={recording}
        className={recording ? 'hidden' : 'flex items-end gap-2 px-3 py-2'}
        onSubmit={(event) => {
          event.preventDefault();
          submit();
        }}
      >
        {onAttach && (
          <>
            <input
              ref={fileInput}
              type="file"
              className="sr-only"
              tabIndex={-1}
              aria-hidden="true"
              data-testid="file-input"
              accept="image/*,audio/*,video/*,.pdf,.txt,.csv,.doc,.docx,.xls,.xlsx,.ppt,.pptx"
              onChange={(event) => {
                for (const file of Array.from(event.target.files ?? [])) onAttach(file);
                event.target.value = '';
              }}
            />
            <button
              type="button"
              className="btn-icon"
              aria-label={t('chat.composer.attach')}
              title={t('chat.composer.attach')}
              onClick={() => fileInput.current?.click()}
              disabled={disabled}
            >
              <PaperclipIcon />
            </button>
          </>
        )}
        <label htmlFor={id} className="sr-only">
          {t('chat.composer.label')}
        </label>
        <span id={`${id}-hint`} className="sr-only">
          {t('chat.composer.hint')}
        </span>
        <textarea
          ref={area}
          id={id}
          rows={1}
          value={text}
          disabled={disabled}
          placeholder={t('chat.composer.placeholder')}
          title={t('chat.composer.hint')}
          aria-describedby={limit.showCounter ? `${id}-hint ${counterId}` : `${id}-hint`}
          aria-invalid={limit.over || undefined}
          aria-autocomplete="list"
          aria-controls={menuOpen ? menuId : undefined}
          aria-activedescendant={menuOpen ? suggestionId(menuId, active) : undefined}
          onChange={(event) => {
            setText(event.target.value);
            track(event.target.value, event.target.selectionStart);
            resize();
            if (event.target.value) onTyping?.();
            else onStopTyping?.();
          }}
          onKeyDown={onKeyDown}
          onPaste={(event) => {
            // Files (a screenshot, a copied file) go to the tray; text pastes as usual.
            const files = Array.from(event.clipboardData?.files ?? []);
            if (!onAddFiles || files.length === 0) return;
            event.preventDefault();
            onAddFiles(files);
          }}
          onKeyUp={(event) => {
            // Caret moves (arrows, Home/End) change the query; keys the menu took do not.
            if (!menuOpen && ['ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(event.key))
              track(text, event.currentTarget.selectionStart);
          }}
          onClick={(event) => track(text, event.currentTarget.selectionStart)}
          onBlur={() => {
            onStopTyping?.();
            setMention(null);
          }}
          className="input max-h-40 min-h-10 flex-1 resize-none py-2 leading-snug"
        />
        {limit.showCounter && (
          <span
            id={counterId}
            data-testid="composer-count"
            className={`shrink-0 self-center text-xs tabular-nums ${limit.over ? 'font-semibold text-red-600 dark:text-red-400' : 'text-slate-500'}`}
          >
            {t('chat.composer.count', { count: number.format(limit.length), max: number.format(limit.max) })}
          </span>
        )}
        {onVoiceNote && !attachmentsPending && (
          <button
            type="button"
            className="btn-icon h-10"
            aria-label={t('voice.record')}
            title={t('voice.record')}
            data-testid="voice-record"
            onClick={() => setRecording(true)}
            disabled={disabled}
          >
            <MicIcon />
          </button>
        )}
        <button
          type="submit"
          className="btn-primary h-10 px-3"
          disabled={disabled || (!text.trim() && !attachmentsPending) || limit.over}
          aria-label={t('chat.composer.send')}
        >
          <SendIcon className="h-4 w-4" />
          <span className="hidden sm:inline">{t('chat.composer.send')}</span>
        </button>
      </form>
    </div>
  );
}
