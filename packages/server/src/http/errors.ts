/**
 * HTTP error mapping: every failure leaves as `{ error: { code, message, details? } }` with the
 * status its code implies. Unknown errors become `internal` (500) and are logged, never leaked.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { overLimit, retryAfterMsOf } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';

const STATUS: Record<ErrorCode, number> = {
  bad_json: 400,
  invalid_frame: 400,
  unknown_action: 400,
  bad_request: 400,
  unauthorized: 401,
  token_expired: 401,
  session_revoked: 401,
  account_disabled: 403,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  email_taken: 409,
  too_big: 413,
  rate_limited: 429,
  not_authenticated: 401,
  already_authenticated: 409,
  unavailable: 503,
  timeout: 504,
  disconnected: 503,
  queue_full: 503,
  handler_failed: 500,
  internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

function fromFastify(error: FastifyError, request: FastifyRequest, metrics?: Pick<Metrics, 'limitRejections'>): HeraldError | undefined {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // The route's limit from the contract (`bodyLimit`), refused before the body is parsed.
    return overLimit('http_body', `request body over this route's limit of ${request.routeOptions.bodyLimit} bytes`, metrics);
  }
  if (error.statusCode === 429) return new HeraldError(ErrorCode.RateLimited, error.message);
  if (error.statusCode === 413) return new HeraldError(ErrorCode.TooBig, 'request body too large');
  if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new HeraldError(ErrorCode.BadRequest, 'unsupported content type');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return new HeraldError(ErrorCode.BadRequest, error.message);
  }
  return undefined;
}

/** `metrics` counts the body-limit refusals (`http_body`). */
export function installErrorHandling(app: FastifyInstance, metrics?: Pick<Metrics, 'limitRejections'>): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply) => {
    const herald = error instanceof HeraldError ? error : fromFastify(error, request, metrics);
    // The rest of an oversized body is not read: close the connection rather than drain it.
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') reply.header('connection', 'close');
    if (!herald) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.status(500).send({ error: { code: ErrorCode.Internal, message: 'internal error' } });
    }
    const retryAfterMs = retryAfterMsOf(herald);
    // RFC 9110 Retry-After is in whole seconds; the body keeps the exact milliseconds.
    if (retryAfterMs !== undefined) reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000)));
    return reply.status(statusOf(herald.code)).send({ error: herald.toJSON() });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: ErrorCode.NotFound, message: `no route ${request.method} ${request.url.split('?')[0]}` } }),
  );
}
