/**
 * useDebouncedSearch: the search panel's search over useMessageSearch — run SEARCH_DEBOUNCE_MS
 * after the request stops changing, or at once with `searchNow` (Enter); a null request (words too
 * short) clears the results at once.
 * Invariant: the same request is not sent twice in a row (a debounce firing after Enter already
 * sent it); `retry` sends it again on purpose.
 */
import { type UseMessageSearch, useMessageSearch } from '@herald/react';
import { useCallback, useEffect, useRef } from 'react';
import type { MessageQuery } from './search-filters';

export const SEARCH_DEBOUNCE_MS = 300;

export interface DebouncedSearch extends UseMessageSearch {
  /** Send the current request now. */
  searchNow(): void;
  /** Send the current request again (after an error). */
  retry(): void;
}

export function useDebouncedSearch(request: MessageQuery | null): DebouncedSearch {
  const search = useMessageSearch();
  const { search: run } = search;
  const key = request === null ? null : JSON.stringify(request);
  const current = useRef(request);
  current.current = request;
  const sent = useRef<string | null>(null);

  const send = useCallback(
    (force: boolean) => {
      const next = current.current;
      const nextKey = next === null ? null : JSON.stringify(next);
      if (!force && nextKey === sent.current) return;
      sent.current = nextKey;
      void run(next);
    },
    [run],
  );

  // `key` stands for the request (a new object every render).
  useEffect(() => {
    if (key === null) {
      send(false);
      return;
    }
    const timer = setTimeout(() => send(false), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key, send]);

  const searchNow = useCallback(() => send(false), [send]);
  const retry = useCallback(() => send(true), [send]);
  return { ...search, searchNow, retry };
}
