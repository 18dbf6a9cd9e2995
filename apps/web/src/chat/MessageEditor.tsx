/**
 * MessageEditor: a sent message's bubble turned into an editor — Enter (or Save) saves, Shift+Enter
 * adds a line, Escape (or Cancel) leaves it unchanged. Saving unchanged or empty text just closes.
 */
import { type KeyboardEvent, useLayoutEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { composerKeyAction } from './composer-keys';
import { composerLimit } from './composer-limit';

export interface MessageEditorProps {
  initial: string;
  onSave: (text: string) => void;
  onCancel: () => void;
}

export function MessageEditor({ initial, onSave, onCancel }: MessageEditorProps) {
  const { t } = useI18n();
  const [text, setText] = useState(initial);
  const area = useRef<HTMLTextAreaElement>(null);
  const limit = composerLimit(text);

  useLayoutEffect(() => {
    const element = area.current;
    if (!element) return;
    element.style.height = 'auto';
    element.style.height = `${Math.min(element.scrollHeight, 240)}px`;
  });
  useLayoutEffect(() => {
    const element = area.current;
    if (!element) return;
    element.focus();
    element.setSelectionRange(element.value.length, element.value.length);
  }, []);

  const save = () => {
    const value = text.trim();
    if (limit.over) return;
    if (!value || value === initial.trim()) onCancel();
    else onSave(value);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      onCancel();
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
      save();
    }
  };
  return (
    <div className="flex w-[min(32rem,75vw)] max-w-full flex-col gap-1.5" data-testid="message-editor">
      <textarea
        ref={area}
        value={text}
        aria-label={t('chat.editing.label')}
        aria-invalid={limit.over || undefined}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={onKeyDown}
        rows={1}
        className="input resize-none py-1.5 text-[15px] leading-snug"
      />
      <div className="flex items-center justify-end gap-2 text-xs">
        <span className="mr-auto opacity-80">{t('chat.editing.hint')}</span>
        <button type="button" className="btn-secondary px-2 py-1 text-xs" onClick={onCancel}>
          {t('chat.editing.cancel')}
        </button>
        <button type="button" className="btn-primary px-2 py-1 text-xs" onClick={save} disabled={limit.over}>
          {t('chat.editing.save')}
        </button>
      </div>
    </div>
  );
}
