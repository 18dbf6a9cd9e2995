/**
 * Access logs without credentials: Fastify logs each request's URL, and a signed file link carries
 * its signature in the query (`/api/v1/files/:id?uid=…&exp=…&sig=…`), which works as a bearer
 * credential until it expires. The request serializer here logs the URL with the value of every
 * credential-bearing query parameter replaced by `[redacted]` (the parameter names stay, so a log
 * still shows that a link, and not a header, was used).
 * Invariant: every request log line goes through `redactedRequest` (it replaces Fastify's own `req`
 * serializer on the logger handed to Fastify); nothing else in the server logs a request's URL
 * with its query.
 */
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

/** Query parameters whose value is a credential: the file-link signature, and the usual token names. */
const SECRET_PARAMS: ReadonlySet<string> = new Set(['sig', 'signature', 'token', 'access_token', 'refresh_token', 'refreshtoken']);

export const REDACTED = '[redacted]';

/** `url` with the value of each credential query parameter replaced (names compared decoded and case-insensitively). */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  if (queryAt < 0) return url;
  const hashAt = url.indexOf('#', queryAt);
  const query = url.slice(queryAt + 1, hashAt < 0 ? undefined : hashAt);
  let changed = false;
  const parts = query.split('&').map((part) => {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (!SECRET_PARAMS.has(decodedName(name))) return part;
    changed = true;
    return `${name}=${REDACTED}`;
  });
  if (!changed) return url;
  return `${url.slice(0, queryAt)}?${parts.join('&')}${hashAt < 0 ? '' : url.slice(hashAt)}`;
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' ')).toLowerCase();
  } catch {
    return name.toLowerCase();
  }
}

/** What a log line says about a request: Fastify's default fields, with the URL redacted. */
export function redactedRequest(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * The logger to hand Fastify (`loggerInstance`): `log` with the redacting `req` serializer.
 * Fastify lets a logger instance's own serializers win over its defaults, so this one is used for
 * "incoming request" and every other line that logs `req`.
 */
export function withRedactedRequests(log: Logger): Logger {
  return log.child({}, { serializers: { req: redactedRequest } });
}
