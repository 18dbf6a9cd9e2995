/**
 * SearchHitRow: one search result as an option of the results listbox — who wrote it, in which
 * conversation, how long ago, and the snippet with the matched words as `<mark>` elements built from
 * the hit's highlight ranges (no HTML is ever parsed). Chosen with a click, or with the arrow keys
 * and Enter in the search box (the box keeps the focus; `active` marks the option it points at).
 */
import type { SearchHit } from '@herald/protocol';
import { memo } from 'react';
import { relativeTime } from '../settings/relative-time';
import { snippetParts } from './snippet-parts';

export interface SearchHitRowProps {
  id: string;
  index: number;
  hit: SearchHit;
  active: boolean;
  sender: string;
  conversation: string;
  locale: string;
  now: number;
  onOpen: (hit: SearchHit) => void;
  /** The pointer is over it: the keyboard's choice moves here. */
  onPoint: (index: number) => void;
}

export const SearchHitRow = memo(function SearchHitRow({
  id,
  index,
  hit,
  active,
  sender,
  conversation,
  locale,
  now,
  onOpen,
  onPoint,
}: SearchHitRowProps) {
  const { message, snippet } = hit;
  let offset = 0;
  const parts = snippetParts(snippet.text, snippet.highlights).map((part) => {
    const key = offset;
    offset += part.text.length;
    return part.highlight ? (
      <mark key={key} className="rounded-sm bg-yellow-200 px-px text-inherit dark:bg-yellow-600/50">
        {part.text}
      </mark>
    ) : (
      <span key={key}>{part.text}</span>
    );
  });
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the search box drives the options from the keyboard (aria-activedescendant)
    <div
      id={id}
      role="option"
      tabIndex={-1}
      aria-selected={active}
      className={`cursor-pointer border-b border-slate-100 px-4 py-2.5 dark:border-slate-800 ${active ? 'bg-blue-50 dark:bg-blue-950' : 'hover:bg-slate-50 dark:hover:bg-slate-800/60'}`}
      data-testid="search-hit"
      data-conversation-id={hit.conversationId}
      data-seq={message.seq}
      onClick={() => onOpen(hit)}
      onMouseMove={() => !active && onPoint(index)}
    >
      <div className="flex min-w-0 items-baseline gap-2 text-xs">
        <span className="shrink-0 truncate font-semibold text-slate-800 dark:text-slate-100">{sender}</span>
        <span className="min-w-0 truncate text-slate-500 dark:text-slate-400">{conversation}</span>
        <time
          className="ml-auto shrink-0 text-slate-500 dark:text-slate-400"
          dateTime={new Date(message.createdAt).toISOString()}
          title={new Date(message.createdAt).toLocaleString(locale)}
        >
          {relativeTime(message.createdAt, now, locale)}
        </time>
      </div>
      <p className="message-text mt-0.5 line-clamp-3 text-sm text-slate-700 dark:text-slate-200" data-testid="search-snippet">
        {parts}
      </p>
    </div>
  );
});
