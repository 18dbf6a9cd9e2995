/**
 * perClient: one instance of a store per HeraldClient and key, created on first use and kept for
 * the client's lifetime (a WeakMap, so a dropped client takes its stores with it). Creating a
 * store has no side effect; stores start work only when subscribed.
 */
import type { HeraldClient } from '../herald-client.js';

const caches = new WeakMap<HeraldClient, Map<string, unknown>>();

/** The instance for (`client`, `key`), made by `create` the first time. */
export function perClient<T>(client: HeraldClient, key: string, create: () => T): T {
  let cache = caches.get(client);
  if (!cache) {
    cache = new Map();
    caches.set(client, cache);
  }
  if (cache.has(key)) return cache.get(key) as T;
  const made = create();
  cache.set(key, made);
  return made;
}
