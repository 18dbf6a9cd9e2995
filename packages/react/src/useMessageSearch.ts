/**
 * useMessageSearch: a search box's state over the client's `search` (MessageSearch from
 * `@herald/client/state`): call `search(query)` as the user types or submits, `loadMore()` at the
 * end of the list. Each component has its own search.
 */
import { MessageSearch, type SearchQuery, type SearchSnapshot } from '@herald/client/state';
import { useMemo } from 'react';
import { useExternalStore } from './useExternalStore.js';
import { useHeraldClient } from './useHeraldClient.js';

export interface UseMessageSearch extends SearchSnapshot {
  search(query: SearchQuery | null): Promise<void>;
  loadMore(): Promise<void>;
}

export function useMessageSearch(pageSize = 20): UseMessageSearch {
  const client = useHeraldClient();
  const store = useMemo(() => new MessageSearch(client, pageSize), [client, pageSize]);
  const snapshot = useExternalStore(store);
  return useMemo(() => ({ ...snapshot, search: store.search, loadMore: store.loadMore }), [snapshot, store]);
}
