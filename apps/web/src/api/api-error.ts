/**
 * ApiError: a failed HTTP call, with the server's error `code` (see docs/protocol.md#error-codes),
 * the HTTP status (0 when the server could not be reached) and optional details.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** True for a refused or expired access token (worth one refresh and a retry). */
  get isAuthFailure(): boolean {
    return this.status === 401 && (this.code === 'token_expired' || this.code === 'unauthorized');
  }
}

/** Turn a non-2xx response body into an ApiError. */
export function errorFromBody(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const message = typeof error?.message === 'string' ? error.message : `HTTP ${status}`;
  return new ApiError(status, code, message, error?.details);
}

/** A fetch that failed before any response (offline, server down). */
export function networkError(cause: unknown): ApiError {
  return new ApiError(0, 'network', cause instanceof Error ? cause.message : 'network error');
}
