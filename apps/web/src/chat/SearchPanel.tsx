/**
 * SearchPanel: message search — a side panel beside the chat on wide screens, full screen on
 * phones (below `lg` it lies over the page). The box searches 300 ms after typing stops (Enter at
 * once; at least two characters); filters: this conversation or all (when one is open), a sender,
 * a date range. Results come newest first, more as the end of the list comes into view (or "Load
 * more"). ↑/↓ choose a result and Enter opens it, as a click does: the conversation at that
 * message (a permalink), closing the panel where it covers the chat. Esc closes it; the focus
 * goes back to where it was.
 */
import { ErrorCode, type SearchHit } from '@herald/protocol';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n/useI18n';
import { SearchIcon } from '../layout/icons';
import { conversationTitle } from './conversation-info';
import { permalinkPath } from './permalink';
import { SearchHitRow } from './SearchHitRow';
import { searchQueryOf, senderOptions } from './search-filters';
import { useChat } from './useChat';
import { useConversationList } from './useConversationList';
import { useDebouncedSearch } from './useDebouncedSearch';

export type SearchScope = 'conversation' | 'all';

export interface SearchPanelProps {
  /** The open conversation, offered as "this conversation"; null when none is open. */
  conversationId: string | null;
  initialScope: SearchScope;
  /** Changes to ask for the focus again (the shortcut pressed while the panel is open). */
  focusRequest: number;
  onClose: () => void;
}

/** Where the panel sits beside the chat instead of over it (Tailwind's `lg`). */
const SIDE_BY_SIDE = '(min-width: 1024px)';

export function SearchPanel({ conversationId, initialScope, focusRequest, onClose }: SearchPanelProps) {
  const { t, locale } = useI18n();
  const { user } = useChat();
  const { conversations } = useConversationList();
  const navigate = useNavigate();
  const [text, setText] = useState('');
  const [scope, setScope] = useState<SearchScope>(initialScope);
  const [senderId, setSenderId] = useState('');
  const [fromDate, setFromDate] = useState('');
  const [toDate, setToDate] = useState('');
  const [active, setActive] = useState(-1);
  const within = scope === 'conversation' ? conversationId : null;
  const request = searchQueryOf({ text, conversationId: within, senderId: senderId || null, fromDate, toDate });
  const { query, hits, loading, hasMore, error, loadMore, searchNow, retry } = useDebouncedSearch(request);
  const ids = useId();
  const optionId = (index: number) => `${ids}-hit-${index}`;
  const inputRef = useRef<HTMLInputElement>(null);
  const resultsRef = useRef<HTMLDivElement>(null);
  const moreRef = useRef<HTMLButtonElement>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new focusRequest is the reason to focus again
  useEffect(() => {
    inputRef.current?.focus();
    inputRef.current?.select();
  }, [focusRequest]);

  // On close, the focus goes back to what had it before the panel opened.
  useEffect(() => {
    const before = document.activeElement;
    return () => {
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, []);

  // A new search starts with no option chosen.
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new query object is a new search
  useEffect(() => setActive(-1), [query]);

  // More results as the end of the list comes near.
  useEffect(() => {
    const more = moreRef.current;
    if (!hasMore || loading || error || !more || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void loadMore(), {
      root: resultsRef.current,
      rootMargin: '0px 0px 200px 0px',
    });
    observer.observe(more);
    return () => observer.disconnect();
  }, [hasMore, loading, error, loadMore]);

  const byId = useMemo(() => new Map(conversations.map((c) => [c.id, c])), [conversations]);
  const senders = useMemo(() => senderOptions(conversations, within), [conversations, within]);
  const names = useMemo(() => {
    const all = new Map<string, string>();
    for (const c of conversations) for (const m of c.members) all.set(m.userId, m.name);
    return all;
  }, [conversations]);

  const open = useCallback(
    (hit: SearchHit) => {
      navigate(permalinkPath(hit.conversationId, hit.message.seq));
      if (!window.matchMedia(SIDE_BY_SIDE).matches) onClose();
    },
    [navigate, onClose],
  );

  const choose = (index: number) => {
    setActive(index);
    document.getElementById(optionId(index))?.scrollIntoView({ block: 'nearest' });
    if (index >= hits.length - 1 && hasMore && !loading) void loadMore();
  };

  const onBoxKey = (event: React.KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' && hits.length > 0) {
      event.preventDefault();
      choose(Math.min(active + 1, hits.length - 1));
    } else if (event.key === 'ArrowUp' && hits.length > 0) {
      event.preventDefault();
      choose(Math.max(active - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const hit = hits[active];
      if (hit) open(hit);
      else if (error) retry();
      else searchNow();
    }
  };

  const now = Date.now();
  const status = !request
    ? text.trim()
      ? t('search.tooShort')
      : t('search.hint')
    : loading && hits.length === 0
      ? t('search.searching')
      : query && !error
        ? t(hasMore ? 'search.countMore' : 'search.count', { count: hits.length })
        : '';

  return (
    <section
      className="fixed inset-0 z-40 flex min-h-0 flex-col bg-white md:left-auto md:w-[26rem] md:border-l md:border-slate-200 md:shadow-2xl lg:static lg:z-auto lg:w-auto lg:shadow-none dark:bg-slate-900 dark:md:border-slate-800"
      role="dialog"
      aria-label={t('search.title')}
      data-testid="search-panel"
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onClose();
      }}
    >
      <div className="flex items-center gap-2 border-b border-slate-200 px-4 py-2 dark:border-slate-800">
        <h2 className="font-semibold">{t('search.title')}</h2>
        <button type="button" className="btn-icon ml-auto" aria-label={t('search.close')} title={t('search.close')} onClick={onClose}>
          <svg
            viewBox="0 0 24 24"
            className="h-5 w-5"
            fill="none"
            stroke="currentColor"
            strokeWidth={2}
            strokeLinecap="round"
            aria-hidden="true"
          >
            <path d="M6 6l12 12M18 6 6 18" />
          </svg>
        </button>
      </div>
      <search>
        <form
          className="space-y-2 border-b border-slate-200 px-4 py-3 dark:border-slate-800"
          onSubmit={(event) => {
            event.preventDefault();
            searchNow();
          }}
        >
          <div className="relative">
            <SearchIcon className="pointer-events-none absolute top-1/2 left-3 h-4 w-4 -translate-y-1/2 text-slate-400" />
            <input
              ref={inputRef}
              type="search"
              className="input pl-9"
              placeholder={t('search.placeholder')}
              aria-label={t('search.label')}
              role="combobox"
              aria-autocomplete="list"
              aria-expanded={hits.length > 0}
              aria-controls={`${ids}-results`}
              aria-activedescendant={active >= 0 && hits[active] ? optionId(active) : undefined}
              enterKeyHint="search"
              maxLength={200}
              value={text}
              onChange={(event) => setText(event.target.value)}
              onKeyDown={onBoxKey}
            />
          </div>
          {conversationId && (
            <fieldset className="flex rounded-lg bg-slate-100 p-0.5 text-sm dark:bg-slate-800">
              <legend className="sr-only">{t('search.scope')}</legend>
              {(['conversation', 'all'] as const).map((option) => (
                <label
                  key={option}
                  className="flex-1 cursor-pointer rounded-md px-2 py-1 text-center text-slate-600 has-checked:bg-white has-checked:font-medium has-checked:text-slate-900 has-checked:shadow-sm has-focus-visible:ring-2 has-focus-visible:ring-blue-500 dark:text-slate-300 dark:has-checked:bg-slate-700 dark:has-checked:text-white"
                >
                  <input
                    type="radio"
                    className="sr-only"
                    name={`${ids}-scope`}
                    checked={scope === option}
                    onChange={() => setScope(option)}
                  />
                  {t(option === 'conversation' ? 'search.scopeConversation' : 'search.scopeAll')}
                </label>
              ))}
            </fieldset>
          )}
          <div className="grid grid-cols-2 gap-2 text-xs text-slate-600 dark:text-slate-300">
            <label className="col-span-2 flex items-center gap-2">
              <span className="w-14 shrink-0">{t('search.from')}</span>
              <select
                className="input py-1"
                value={senderId}
                onChange={(event) => setSenderId(event.target.value)}
                data-testid="search-sender"
              >
                <option value="">{t('search.anyone')}</option>
                {senders.map((sender) => (
                  <option key={sender.userId} value={sender.userId}>
                    {sender.userId === user.id ? `${sender.name} (${t('chat.you')})` : sender.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="flex min-w-0 flex-col gap-0.5">
              <span>{t('search.since')}</span>
              <input
                type="date"
                className="input py-1"
                value={fromDate}
                max={toDate || undefined}
                onChange={(event) => setFromDate(event.target.value)}
              />
            </label>
            <label className="flex min-w-0 flex-col gap-0.5">
              <span>{t('search.until')}</span>
              <input
                type="date"
                className="input py-1"
                value={toDate}
                min={fromDate || undefined}
                onChange={(event) => setToDate(event.target.value)}
              />
            </label>
          </div>
        </form>
      </search>
      <p className="px-4 pt-2 pb-1 text-xs text-slate-500 dark:text-slate-400" role="status" data-testid="search-status">
        {status}
      </p>
      <div ref={resultsRef} className="min-h-0 flex-1 overflow-y-auto overscroll-contain" aria-busy={loading}>
        <div id={`${ids}-results`} role="listbox" aria-label={t('search.results')}>
          {hits.map((hit, index) => {
            const conversation = byId.get(hit.conversationId);
            const sender = hit.message.senderId === user.id ? t('chat.you') : (names.get(hit.message.senderId) ?? '?');
            return (
              <SearchHitRow
                key={hit.message.id}
                id={optionId(index)}
                index={index}
                hit={hit}
                active={index === active}
                sender={sender}
                conversation={conversation ? conversationTitle(conversation, user.id) : t('search.someConversation')}
                locale={locale}
                now={now}
                onOpen={open}
                onPoint={setActive}
              />
            );
          })}
        </div>
        {error && (
          <div
            role="alert"
            className="m-4 rounded-lg bg-red-50 p-3 text-sm text-red-700 dark:bg-red-950 dark:text-red-300"
            data-testid="search-error"
          >
            <p>{error.code === ErrorCode.RateLimited ? t('search.rateLimited') : t('search.failed', { message: error.message })}</p>
            <button type="button" className="btn-secondary mt-2" onClick={retry}>
              {t('search.retry')}
            </button>
          </div>
        )}
        {request && query && !loading && !error && hits.length === 0 && (
          <p className="p-8 text-center text-sm text-slate-500" data-testid="search-empty">
            {t('search.empty')}
          </p>
        )}
        {loading && hits.length > 0 && <p className="p-3 text-center text-xs text-slate-500">{t('search.searching')}</p>}
        {hasMore && !loading && !error && (
          <div className="p-3 text-center">
            <button ref={moreRef} type="button" className="btn-secondary" onClick={() => void loadMore()}>
              {t('search.loadMore')}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
