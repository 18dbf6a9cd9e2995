/**
 * reconnectLimit: how many reconnect attempts a client makes before it gives up (`error`), for
 * status displays such as "reconnecting (3/15)". HeraldClient keeps its resolved options private,
 * so this reads them through one narrow seam, falling back to the documented default.
 */
import { DEFAULT_BACKOFF } from './backoff.js';
import type { HeraldClient } from './herald-client.js';

interface OptionsView {
  config?: { backoff?: { maxAttempts?: number } };
}

/** The client's `reconnect.maxAttempts` (default 15). */
export function reconnectLimit(client: HeraldClient): number {
  const limit = (client as unknown as OptionsView).config?.backoff?.maxAttempts;
  return typeof limit === 'number' && limit > 0 ? limit : DEFAULT_BACKOFF.maxAttempts;
}
