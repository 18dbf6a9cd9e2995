/**
 * The errors every limit answers with, so clients can handle all of them the same way:
 * `rate_limited` (HTTP 429 with `Retry-After`; socket error frame with `retryAfterMs` and `ref`)
 * for "too many, try again later", and `too_big` (413) for "too large / over quota, will not fit".
 * `details.limit` names the limit (the names are listed in docs/server-api.md "Limits"), and every
 * rejection is counted in `herald_limit_rejections_total{limit}`.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { Metrics } from '../metrics.js';

export interface LimitDetails {
  /** Which limit refused the request, e.g. `login_ip`, `user_sockets`, `upload_quota`. */
  limit: string;
  /** When the request may be tried again (rate limits only). */
  retryAfterMs?: number;
}

/** A rate limit refused the request: try again in `retryAfterMs`. Counts the rejection when `metrics` is given. */
export function rateLimited(limit: string, retryAfterMs: number, message: string, metrics?: Pick<Metrics, 'limitRejections'>): HeraldError {
  metrics?.limitRejections.inc({ limit });
  const details: LimitDetails = { limit, retryAfterMs: Math.max(1, Math.ceil(retryAfterMs)) };
  return new HeraldError(ErrorCode.RateLimited, message, details);
}

/** A size or quota limit refused the request: it will not fit however long the client waits. */
export function overLimit(limit: string, message: string, metrics?: Pick<Metrics, 'limitRejections'>): HeraldError {
  metrics?.limitRejections.inc({ limit });
  const details: LimitDetails = { limit };
  return new HeraldError(ErrorCode.TooBig, message, details);
}

/** `retryAfterMs` of an error's details, if it has one. */
export function retryAfterMsOf(error: HeraldError): number | undefined {
  const details = error.details as Partial<LimitDetails> | undefined;
  return typeof details?.retryAfterMs === 'number' ? details.retryAfterMs : undefined;
}
