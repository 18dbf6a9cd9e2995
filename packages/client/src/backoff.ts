/**
 * Full-jitter exponential backoff: attempt n waits a uniformly random time in
 * [0, min(maxDelayMs, baseDelayMs * factor^(n-1))). Spreading retries this way keeps a fleet of
 * clients from reconnecting in lockstep after a server restart.
 */

/** How reconnect attempts are spaced and bounded. */
export interface BackoffPolicy {
  /** Ceiling of the first attempt's delay (default 2000 ms). */
  baseDelayMs: number;
  /** Growth of the ceiling per attempt (default 2). */
  factor: number;
  /** Largest ceiling (default 30000 ms). */
  maxDelayMs: number;
  /** Attempts before giving up with status `error` (default 15). */
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseDelayMs: 2_000, factor: 2, maxDelayMs: 30_000, maxAttempts: 15 };

/** The ceiling for attempt `attempt` (1-based) before jitter. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** exponent);
}

/** The delay before attempt `attempt` (1-based): full jitter under the ceiling. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  return Math.floor(random() * backoffCeiling(attempt, policy));
}
