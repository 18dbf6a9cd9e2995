/**
 * EmojiPicker: the compact reaction picker — a row of frequent emoji, then a grid of common ones
 * (emoji-set: single RGI emoji only). Arrow keys move between them; choosing one calls `onPick`.
 */
import type { KeyboardEvent } from 'react';
import { useI18n } from '../i18n/useI18n';
import { COMMON_EMOJI, FREQUENT_EMOJI } from './emoji-set';

const COLUMNS = 8;

export function EmojiPicker({ onPick, mine }: { onPick: (emoji: string) => void; mine: ReadonlySet<string> }) {
  const { t } = useI18n();
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const buttons = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>('button[data-emoji]'));
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[event.key];
    if (step === undefined) return;
    event.preventDefault();
    buttons[Math.min(buttons.length - 1, Math.max(0, index + step))]?.focus();
  };
  const button = (emoji: string, big: boolean) => (
    <button
      key={emoji}
      type="button"
      data-emoji={emoji}
      aria-label={emoji}
      aria-pressed={mine.has(emoji)}
      title={emoji}
      onClick={() => onPick(emoji)}
      className={`flex items-center justify-center rounded-lg hover:bg-slate-100 focus-visible:bg-slate-100 dark:hover:bg-slate-700 ${big ? 'h-9 w-9 text-2xl' : 'h-8 w-8 text-xl'} ${mine.has(emoji) ? 'bg-blue-100 dark:bg-blue-900' : ''}`}
    >
      {emoji}
    </button>
  );
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: arrow-key navigation between the emoji buttons inside
    <div className="w-[17.5rem] max-w-[calc(100vw-1rem)] p-1" onKeyDown={onKeyDown} data-testid="emoji-picker">
      <p className="px-1 pb-1 text-xs font-medium text-slate-500">{t('chat.react.frequent')}</p>
      <div className="flex justify-between border-b border-slate-200 pb-1 dark:border-slate-700">
        {FREQUENT_EMOJI.map((e) => button(e, true))}
      </div>
      <div className="mt-1 grid grid-cols-8 gap-0.5">{COMMON_EMOJI.map((e) => button(e, false))}</div>
    </div>
  );
}
