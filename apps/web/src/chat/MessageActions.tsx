/**
 * MessageActions: the actions of one message. With a mouse, a small toolbar floats over the
 * bubble's top corner on hover or keyboard focus (React, Reply, ⋯; it takes no room beside the
 * bubble); the "⋯" button is always reachable (Tab, screen readers; always visible on touch
 * screens) and opens the menu — React, Reply, Edit (my text messages), Delete (mine, in a group I
 * own, or as admin), Copy link — which a long press on the bubble opens too. What is offered
 * follows message-permissions; the server still decides.
 */
import { type KeyboardEvent, useRef } from 'react';
import { useI18n } from '../i18n/useI18n';
import { EmojiPicker } from './EmojiPicker';
import type { MessageInteractions } from './message-interactions';
import { canDelete, canEdit, canReact } from './message-permissions';
import { Popover } from './Popover';
import type { ConversationMessage } from './types';

export type ActionPanel = 'menu' | 'react' | null;

export interface MessageActionsProps {
  message: ConversationMessage;
  mine: boolean;
  interactions: MessageInteractions;
  panel: ActionPanel;
  setPanel: (panel: ActionPanel) => void;
}

const TOOL =
  'flex h-7 w-7 items-center justify-center rounded-full text-slate-500 hover:bg-slate-200 hover:text-slate-800 dark:hover:bg-slate-700 dark:hover:text-slate-100';

export function MessageActions({ message, mine, interactions, panel, setPanel }: MessageActionsProps) {
  const { t } = useI18n();
  const more = useRef<HTMLButtonElement>(null);
  const react = useRef<HTMLButtonElement>(null);
  const reactFromMenu = useRef(false);
  const editable = canEdit(message, interactions.viewer);
  const deletable = canDelete(message, interactions.viewer, interactions.conversation);
  const reactable = canReact(message);
  const mineEmoji = new Set(message.reactions.filter((r) => r.mine).map((r) => r.emoji));
  const close = () => setPanel(null);
  const item = (label: string, action: () => void, danger = false) => (
    <button
      type="button"
      role="menuitem"
      className={`flex w-full items-center rounded-lg px-3 py-2 text-left text-sm hover:bg-slate-100 focus-visible:bg-slate-100 dark:hover:bg-slate-700 ${danger ? 'text-red-600 dark:text-red-400' : ''}`}
      onClick={() => {
        close();
        action();
      }}
    >
      {label}
    </button>
  );
  const onMenuKey = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const items = Array.from(event.currentTarget.querySelectorAll<HTMLButtonElement>('[role="menuitem"]'));
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    const next = (index + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
    items[next]?.focus();
  };

  if (!reactable && !deletable) return null;
  return (
    <div
      className={`message-actions flex shrink-0 items-center gap-0.5 ${mine ? 'flex-row-reverse' : ''}`}
      data-side={mine ? 'start' : 'end'}
      data-open={panel ? '' : undefined}
    >
      {reactable && (
        <button
          ref={react}
          type="button"
          className={`${TOOL} hover-only`}
          aria-label={t('chat.action.react')}
          title={t('chat.action.react')}
          aria-expanded={panel === 'react' && !reactFromMenu.current}
          onClick={() => {
            reactFromMenu.current = false;
            setPanel(panel === 'react' ? null : 'react');
          }}
        >
          <span aria-hidden="true" className="text-base leading-none grayscale-[40%]">
            ☺
          </span>
        </button>
      )}
      {reactable && (
        <button
          type="button"
          className={`${TOOL} hover-only`}
          aria-label={t('chat.action.reply')}
          title={t('chat.action.reply')}
          onClick={() => interactions.reply(message)}
        >
          <span aria-hidden="true" className="text-base leading-none">
            ↩
          </span>
        </button>
      )}
      <button
        ref={more}
        type="button"
        className={TOOL}
        aria-label={t('chat.action.more')}
        title={t('chat.action.more')}
        aria-haspopup="menu"
        aria-expanded={panel === 'menu'}
        data-testid="message-more"
        onClick={() => setPanel(panel === 'menu' ? null : 'menu')}
      >
        <span aria-hidden="true" className="text-lg leading-none">
          ⋯
        </span>
      </button>
      {panel === 'menu' && (
        <Popover
          anchor={more}
          onClose={close}
          align={mine ? 'end' : 'start'}
          role="menu"
          label={t('chat.action.menu')}
          testId="message-menu"
        >
          {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between the menu items inside */}
          <div className="flex min-w-44 flex-col" onKeyDown={onMenuKey}>
            {reactable &&
              item(t('chat.action.react'), () => {
                reactFromMenu.current = true;
                setPanel('react');
              })}
            {reactable && item(t('chat.action.reply'), () => interactions.reply(message))}
            {editable && item(t('chat.action.edit'), () => interactions.startEdit(message.localId))}
            {reactable && item(t('chat.action.copyLink'), () => interactions.copyLink(message))}
            {deletable && item(t('chat.action.delete'), () => interactions.askDelete(message), true)}
          </div>
        </Popover>
      )}
      {panel === 'react' && (
        <Popover
          anchor={reactFromMenu.current || !react.current ? more : react}
          onClose={close}
          align={mine ? 'end' : 'start'}
          label={t('chat.action.react')}
        >
          <EmojiPicker
            mine={mineEmoji}
            onPick={(emoji) => {
              close();
              interactions.toggleReaction(message, emoji);
            }}
          />
        </Popover>
      )}
    </div>
  );
}
