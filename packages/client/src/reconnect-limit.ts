/**
 * reconnectLimit: the client's reconnect attempt budget, for status displays such as
 * "reconnecting (3/15)". Past it the client keeps trying (`attemptLimitPassed`), unless
 * `reconnect.giveUp` makes it stop with `error`.
 */
import type { HeraldClient } from './herald-client.js';

/** The client's `reconnect.maxAttempts` (default 15). */
export function reconnectLimit(client: HeraldClient): number {
  return client.maxReconnectAttempts;
}
