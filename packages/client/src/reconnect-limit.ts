/**
 * reconnectLimit: how many reconnect attempts a client makes before it gives up (`error`), for
 * status displays such as "reconnecting (3/15)".
 */
import type { HeraldClient } from './herald-client.js';

/** The client's `reconnect.maxAttempts` (default 15). */
export function reconnectLimit(client: HeraldClient): number {
  return client.maxReconnectAttempts;
}
