/**
 * Every error code and WebSocket close code Herald puts on the wire.
 * Invariant: codes are stable strings/numbers; clients switch on them, so never renumber or rename.
 * docs/protocol.md documents each one; keep both in step.
 */

/** Error codes carried by `error` frames and by REST error bodies (`{ error: { code, message } }`). */
export const ErrorCode = {
  /** The frame was not valid JSON. */
  BadJson: 'bad_json',
  /** The frame was JSON but did not match the schema for its action. */
  InvalidFrame: 'invalid_frame',
  /** The frame's `action` is not one this endpoint understands. */
  UnknownAction: 'unknown_action',
  /** A REST body or query failed validation. */
  BadRequest: 'bad_request',
  /** Missing, malformed, forged or revoked credential. */
  Unauthorized: 'unauthorized',
  /** The access token's lifetime has passed; refresh it. */
  TokenExpired: 'token_expired',
  /** The session this credential belongs to was ended (signed out, revoked, password changed); sign in again. */
  SessionRevoked: 'session_revoked',
  /** An admin disabled this account; signing in is refused until it is enabled again. */
  AccountDisabled: 'account_disabled',
  /** The caller is authenticated but not allowed to do this (e.g. not a member). */
  Forbidden: 'forbidden',
  /** The thing named does not exist (or the caller may not know it exists). */
  NotFound: 'not_found',
  /** The request conflicts with existing state (e.g. a client id reused for another conversation). */
  Conflict: 'conflict',
  /** The account email is already registered. */
  EmailTaken: 'email_taken',
  /** Wrong email or password. */
  InvalidCredentials: 'invalid_credentials',
  /** Too many frames or requests; wait and retry. */
  RateLimited: 'rate_limited',
  /** The frame or body is larger than the limit. */
  TooBig: 'too_big',
  /** A socket frame other than `authenticate`/`heartbeat` arrived before authentication. */
  NotAuthenticated: 'not_authenticated',
  /** `authenticate` arrived on a socket that is already authenticated. */
  AlreadyAuthenticated: 'already_authenticated',
  /** The server is shutting down or a dependency is unavailable; retry later. */
  Unavailable: 'unavailable',
  /** No reply arrived in time (client-side). */
  Timeout: 'timeout',
  /** The connection closed before a reply arrived (client-side). */
  Disconnected: 'disconnected',
  /** A client-side queue (outbox or incoming dispatch) is full (client-side). */
  QueueFull: 'queue_full',
  /** An application handler threw or rejected; reported through `onError`, never thrown (client-side). */
  HandlerFailed: 'handler_failed',
  /** An unexpected server fault; the request may be retried with the same id. */
  Internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** WebSocket close codes the server uses. 1xxx are RFC 6455; 4xxx are Herald's own. */
export const CloseCode = {
  /** Normal closure (the client or server ended the session on purpose). */
  Normal: 1000,
  /** The server is shutting down or restarting; reconnect with backoff and resume. */
  GoingAway: 1001,
  /** A text frame was not valid UTF-8 (RFC 6455 §8.1: the connection must fail); an error frame with its `ref` comes first. */
  InvalidPayload: 1007,
  /** A frame exceeded the hard frame-size cap. */
  TooBig: 1009,
  /** Unexpected server fault. */
  Internal: 1011,
  /** Missing, bad or expired credential, or no `authenticate` in time. Refresh the credential before retrying. */
  Unauthorized: 4001,
  /** The `Origin` or the account is not allowed to open a socket. Do not retry. */
  Forbidden: 4003,
  /** Repeated protocol abuse or rate-limit violations. Back off before retrying. */
  PolicyViolation: 4008,
  /** The client did not read fast enough and its send buffer passed the cap. Reconnect and resume with `since`. */
  SlowConsumer: 4009,
  /** The server stopped hearing from the client (no pong / no heartbeat). */
  Timeout: 4010,
  /**
   * The account already has as many sockets open as the server allows (`connected.limits.userSockets`);
   * the new socket was refused, its older ones keep working. Close one, or reconnect with a growing backoff.
   */
  TooManySockets: 4029,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Close codes a client reports to itself and never receives from the server (4999 is in the range
 * RFC 6455 leaves to applications). Not in docs/protocol.md's table, which lists what goes on the wire.
 */
export const LocalCloseCode = {
  /** The client gave up on a socket (`close()`, a connect timeout) without waiting for the server's close. */
  Abandoned: 4999,
} as const;
export type LocalCloseCode = (typeof LocalCloseCode)[keyof typeof LocalCloseCode];

/**
 * Reasons the server gives with a 4001 close, so a client can tell "renew and reconnect" from
 * "sign in again". Anything else with 4001 is a refused or missing credential.
 */
export const CloseReason = {
  /** The socket's access token expired and no `reauthenticate` renewed it in time: refresh, then reconnect. */
  TokenExpired: 'token_expired',
  /** The session was ended (sign-out, revoke, password change, refresh-token reuse): sign in again. */
  SessionRevoked: 'session_revoked',
  /** An admin disabled the account. */
  AccountDisabled: 'account_disabled',
} as const;
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];

/** Close codes after which a client must not reconnect blindly (refresh the credential or stop). */
export const AUTH_CLOSE_CODES: readonly number[] = [CloseCode.Unauthorized, CloseCode.Forbidden];
