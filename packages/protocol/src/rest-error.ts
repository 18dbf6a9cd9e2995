/**
 * restErrorFrom: the HeraldError for a failed REST answer — the server's
 * `{ error: { code, message, details } }`, else a code and message made from the HTTP status — with
 * the status on it. Its own zod-free module so a page can read REST errors without the contract
 * (the web app's /login path does).
 * Invariant: a code the server sends is passed on even when this client does not know it.
 */
import { ErrorCode } from './codes.js';
import { HeraldError } from './herald-error.js';

/** The HeraldError for a failed answer: the server's `{ error: { code, message, details } }`, or one made from the status. */
export function restErrorFrom(status: number, body: unknown): HeraldError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null | undefined)?.error;
  // A newer server may send a code this client does not know: pass it on rather than hide it.
  const code = typeof error?.code === 'string' ? (error.code as ErrorCode) : codeOfStatus(status);
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  return new HeraldError(code, message, error?.details, { status });
}

function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return ErrorCode.Unauthorized;
    case 403:
      return ErrorCode.Forbidden;
    case 404:
      return ErrorCode.NotFound;
    case 409:
      return ErrorCode.Conflict;
    case 413:
      return ErrorCode.TooBig;
    case 429:
      return ErrorCode.RateLimited;
    case 503:
      return ErrorCode.Unavailable;
    case 504:
      return ErrorCode.Timeout;
    default:
      return status >= 400 && status < 500 ? ErrorCode.BadRequest : ErrorCode.Internal;
  }
}
