/**
 * useExternalStore: the one `useSyncExternalStore` adapter of the bindings. It reads a store from
 * `@herald/client/state` (or nothing, while a hook has no conversation yet) and re-renders on change.
 * `fallback` must be a constant: it is the snapshot while there is no store.
 */
import type { ExternalStore } from '@herald/client/state';
import { useSyncExternalStore } from 'react';

/** What the adapter needs of a store. */
export type SnapshotSource<S> = Pick<ExternalStore<S>, 'subscribe' | 'getSnapshot'>;

const none = () => () => undefined;

/** The snapshot of `store`. */
export function useExternalStore<S>(store: SnapshotSource<S>): S;
/** The snapshot of `store`, or `fallback` while `store` is null. */
export function useExternalStore<S>(store: SnapshotSource<S> | null, fallback: S): S;
export function useExternalStore<S>(store: SnapshotSource<S> | null, fallback?: S): S {
  const getSnapshot = store?.getSnapshot ?? (() => fallback as S);
  return useSyncExternalStore(store?.subscribe ?? none, getSnapshot, getSnapshot);
}
