/**
 * Reconnect schedule: how long to wait before the next attempt, chosen by how the last one ended.
 * - `dead`: the client itself declared a ready socket dead (no heartbeat reply): retry at once.
 * - `goingAway`: the server closed 1001/1012/1013 (restart, drain): a short jittered delay
 *   [goingAwayMinMs, goingAwayMaxMs), never the grown backoff — the server is expected back now.
 * - `fastFail`: the attempt failed within `fastFailMs` of starting and not by a timeout (refused,
 *   closed before open, 5xx on upgrade: the host answered, so it is up or coming back): a short
 *   jittered cadence [fastRetryMinMs, fastRetryMaxMs), whatever the attempt count, while the page
 *   is visible. Costs a restarting server/LB one cheap refused connect per client every ~1.75 s.
 * - `limited`: the server refused the socket for a limit that frees only when something else changes
 *   (4029: the account has as many sockets as it may): exponential backoff with half jitter, never
 *   below the refusal's `retryAfterMs`: waits that grow (1–2 s, 2–4 s, … 15–30 s) and never hammer,
 *   and never give up (a slot frees when another tab closes).
 * - `slow`: anything else (timeouts: no answer; a lost ready socket): full-jitter exponential
 *   backoff, attempt n waits uniformly in [0, min(maxDelayMs, baseDelayMs * factor^(n-1))).
 * Full jitter keeps a fleet of clients from reconnecting in lockstep after a server restart.
 */

/** How reconnect attempts are spaced and bounded. */
export interface BackoffPolicy {
  /** Ceiling of the first attempt's delay (default 2000 ms). */
  baseDelayMs: number;
  /** Growth of the ceiling per attempt (default 2). */
  factor: number;
  /** Largest ceiling (default 30000 ms): the cadence once the backoff has grown. */
  maxDelayMs: number;
  /**
   * The attempt budget (default 15). Past it the client keeps trying at the cap and says so in
   * `ConnectionState.attemptLimitPassed`; with `giveUp: true` it stops with status `error` instead.
   */
  maxAttempts: number;
  /** Stop with status `error` after `maxAttempts` (the pre-0.x behaviour; default false: never give up). */
  giveUp: boolean;
  /** An attempt that failed (not by timeout) within this many ms of starting is a fast failure (default 3000). */
  fastFailMs: number;
  /** Jitter window of the fast-failure cadence (default 1000–2500 ms). */
  fastRetryMinMs: number;
  fastRetryMaxMs: number;
  /** Jitter window after a going-away close 1001/1012/1013 (default 250–2000 ms). */
  goingAwayMinMs: number;
  goingAwayMaxMs: number;
  /** Jitter window for wake signals: online, visible, focus, pageshow (default 500 ms). */
  wakeJitterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseDelayMs: 2_000,
  factor: 2,
  maxDelayMs: 30_000,
  maxAttempts: 15,
  giveUp: false,
  fastFailMs: 3_000,
  fastRetryMinMs: 1_000,
  fastRetryMaxMs: 2_500,
  goingAwayMinMs: 250,
  goingAwayMaxMs: 2_000,
  wakeJitterMs: 500,
};

/** How the previous attempt (or socket) ended, for the schedule. */
export type FailureKind = 'dead' | 'goingAway' | 'fastFail' | 'limited' | 'slow';

/** The ceiling for attempt `attempt` (1-based) before jitter. */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** exponent);
}

/** The delay before attempt `attempt` (1-based): full jitter under the ceiling. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  return Math.floor(random() * backoffCeiling(attempt, policy));
}

/** The next attempt's delay and the cadence a status display may announce ("retrying every …"). */
export interface ReconnectPlan {
  delayMs: number;
  /** The longest wait between attempts under this rule (for "retrying every 30 s"). */
  everyMs: number;
}

/**
 * Delay before attempt `attempt` after a failure of `kind`; `visible` false turns fast cadences into
 * backoff; `minDelayMs` is the server's `retryAfterMs` when it gave one (`limited` only).
 */
export function reconnectPlan(
  kind: FailureKind,
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
  visible = true,
  minDelayMs = 0,
): ReconnectPlan {
  const within = (min: number, max: number) => min + Math.floor(random() * Math.max(0, max - min));
  if (kind === 'limited') {
    const ceiling = backoffCeiling(attempt, policy);
    return { delayMs: Math.max(minDelayMs, within(ceiling / 2, ceiling)), everyMs: Math.max(minDelayMs, ceiling) };
  }
  if (kind === 'dead') return { delayMs: 0, everyMs: backoffCeiling(attempt, policy) };
  if (kind === 'goingAway') return { delayMs: within(policy.goingAwayMinMs, policy.goingAwayMaxMs), everyMs: policy.goingAwayMaxMs };
  if (kind === 'fastFail' && visible)
    return { delayMs: within(policy.fastRetryMinMs, policy.fastRetryMaxMs), everyMs: policy.fastRetryMaxMs };
  return { delayMs: backoffDelay(attempt, policy, random), everyMs: backoffCeiling(attempt, policy) };
}
