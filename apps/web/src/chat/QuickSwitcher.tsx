/**
 * QuickSwitcher: a modal (Ctrl/⌘K) to jump to a conversation by typing part of its title or a
 * member's name (quick-switcher-filter). The box keeps the focus: ↑/↓ move the active row (the
 * listbox pattern, aria-activedescendant), Enter or a click opens it, Escape closes and gives the
 * focus back (useModalDialog).
 */
import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useI18n } from '../i18n/useI18n';
import { Avatar } from './Avatar';
import { filterConversations, type SwitcherItem } from './quick-switcher-filter';
import { useChat } from './useChat';
import { useConversationList } from './useConversationList';
import { useModalDialog } from './useModalDialog';

export function QuickSwitcher({ onChoose, onClose }: { onChoose: (conversationId: string) => void; onClose: () => void }) {
  const { t } = useI18n();
  const { user } = useChat();
  const { conversations } = useConversationList();
  const dialog = useModalDialog(onClose);
  const box = useRef<HTMLInputElement>(null);
  // After showModal (the hook's effect runs first), which focuses the first button otherwise.
  useEffect(() => box.current?.focus(), []);
  const id = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const items = filterConversations(conversations, user.id, query);
  const current = Math.min(active, Math.max(0, items.length - 1));
  const optionId = (index: number) => `${id}-option-${index}`;

  const choose = (item: SwitcherItem | undefined) => {
    if (item) onChoose(item.conversation.id);
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (items.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + items.length) % items.length);
      document.getElementById(optionId((current + step + items.length) % items.length))?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(items[current]);
    }
  };

  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      data-testid="quick-switcher"
      className="mx-auto mt-[12vh] mb-auto w-[min(32rem,calc(100vw-1.5rem))] rounded-2xl bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-900 dark:text-slate-100"
    >
      <div className="flex items-center justify-between border-b border-slate-200 px-4 pt-3 pb-2 dark:border-slate-800">
        <h2 id={`${id}-title`} className="text-sm font-semibold">
          {t('switcher.title')}
        </h2>
        <button type="button" className="btn-icon text-sm" aria-label={t('switcher.close')} onClick={onClose}>
          ✕
        </button>
      </div>
      <div className="px-4 py-3">
        <input
          type="text"
          role="combobox"
          className="input w-full"
          ref={box}
          value={query}
          placeholder={t('switcher.placeholder')}
          aria-label={t('switcher.label')}
          aria-expanded={items.length > 0}
          aria-controls={`${id}-list`}
          aria-activedescendant={items.length > 0 ? optionId(current) : undefined}
          aria-autocomplete="list"
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <p className="mt-1.5 text-xs text-slate-500">{t('switcher.hint')}</p>
      </div>
      <div id={`${id}-list`} role="listbox" aria-label={t('switcher.results')} className="max-h-[50vh] overflow-y-auto px-2 pb-2">
        {items.map((item, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard works from the box (aria-activedescendant)
          <div
            key={item.conversation.id}
            id={optionId(index)}
            role="option"
            tabIndex={-1}
            aria-selected={index === current}
            data-testid="switcher-option"
            className={`flex cursor-pointer items-center gap-3 rounded-lg px-2 py-2 ${index === current ? 'bg-blue-50 dark:bg-slate-800' : ''}`}
            onMouseDown={(event) => event.preventDefault()}
            onMouseMove={() => index !== current && setActive(index)}
            onClick={() => choose(item)}
          >
            <Avatar name={item.title} seed={item.conversation.id} />
            <span className="min-w-0 flex-1">
              <span className="block truncate text-sm font-medium">{item.title}</span>
              {item.conversation.kind === 'group' && item.members && (
                <span className="block truncate text-xs text-slate-500">{item.members}</span>
              )}
            </span>
            {item.conversation.unreadCount > 0 && (
              <span className="rounded-full bg-blue-600 px-1.5 text-xs font-semibold text-white">{item.conversation.unreadCount}</span>
            )}
          </div>
        ))}
        {items.length === 0 && (
          <p className="px-2 py-3 text-sm text-slate-500" data-testid="switcher-empty">
            {t('switcher.empty')}
          </p>
        )}
      </div>
    </dialog>
  );
}
