/**
 * useUserSearch: people matching a query (`GET /users?query=`), debounced, without the signed-in
 * user. A result is a summary (id, name, avatar): only an admin's search carries emails and roles.
 */
import type { UserSearchResult } from '@herald/protocol';
import { useEffect, useState } from 'react';
import { useServices } from '../services';

export function useUserSearch(query: string, myId: string, delayMs = 250): { users: UserSearchResult[]; loading: boolean } {
  const { api } = useServices();
  const [result, setResult] = useState<{ users: UserSearchResult[]; loading: boolean }>({ users: [], loading: true });
  useEffect(() => {
    let cancelled = false;
    setResult((previous) => ({ ...previous, loading: true }));
    const timer = setTimeout(() => {
      api.users.search({ query: { query: query.trim(), limit: 20 } }).then(
        ({ users }) => !cancelled && setResult({ users: users.filter((u) => u.id !== myId), loading: false }),
        () => !cancelled && setResult({ users: [], loading: false }),
      );
    }, delayMs);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [api, query, myId, delayMs]);
  return result;
}
