/**
 * The composer: Enter sends, Shift+Enter adds a line (never while an input method is composing),
 * grows with its text, tells the others I am typing, and has an attach button. It works offline:
 * sends go to the outbox and show as pending.
 */
import { type KeyboardEvent, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { PaperclipIcon, SendIcon } from '../layout/icons';
import { composerKeyAction } from './composer-keys';

export interface ComposerProps {
  onSend: (text: string) => void;
  onAttach?: (file: File) => void;
  onTyping?: () => void;
  onStopTyping?: () => void;
  disabled?: boolean;
}

const MAX_ROWS_PX = 160;

export function Composer({ onSend, onAttach, onTyping, onStopTyping, disabled }: ComposerProps) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const area = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const id = useId();

  const resize = () => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, MAX_ROWS_PX)}px`;
  };

  const submit = () => {
    const value = text.trim();
    if (!value) return;
    onSend(value);
    setText('');
    onStopTyping?.();
    requestAnimationFrame(resize);
    area.current?.focus();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
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

  return (
    <form
      className="flex items-end gap-2 border-t border-slate-200 bg-white px-3 py-2 dark:border-slate-800 dark:bg-slate-900"
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
        aria-describedby={`${id}-hint`}
        onChange={(event) => {
          setText(event.target.value);
          resize();
          if (event.target.value) onTyping?.();
          else onStopTyping?.();
        }}
        onKeyDown={onKeyDown}
        onBlur={() => onStopTyping?.()}
        className="input max-h-40 min-h-10 flex-1 resize-none py-2 leading-snug"
      />
      <button type="submit" className="btn-primary h-10 px-3" disabled={disabled || !text.trim()} aria-label={t('chat.composer.send')}>
        <SendIcon className="h-4 w-4" />
        <span className="hidden sm:inline">{t('chat.composer.send')}</span>
      </button>
    </form>
  );
}
