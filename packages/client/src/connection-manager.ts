/**
 * ConnectionManager: keeps one authenticated socket alive. It owns the status (ConnectionStateStore),
 * the current Transport, the credential calls, the backoff schedule and the auth-refusal rule.
 * Invariants:
 * - At most one transport at a time; `generation` is bumped whenever an attempt is superseded, so
 *   async steps of an older attempt (a slow credential call) never act.
 * - After an auth refusal (4001/4003, whatever the reason: `token_expired` when the socket's
 *   credential ran out unrenewed, `session_revoked`, `account_disabled`; or an unauthorized,
 *   token_expired or forbidden reply to `authenticate`) the credential provider is asked once more
 *   (`refresh: true`, `reason: 'refused'`) and one attempt is made at once; a second refusal ends in
 *   status `error`, never in a retry loop. In-band renewal (credential-renewal.ts) is the
 *   HeraldClient's; this path is what remains when it did not happen in time.
 * - Never gives up while it could serve (unless `reconnect.giveUp`): past `maxAttempts` it keeps
 *   trying at the schedule's cadence and sets `attemptLimitPassed`. The delay follows how the last
 *   attempt ended (backoff.ts `reconnectPlan`): a socket this client declared dead is replaced at
 *   once, a going-away close (1001/1012/1013) after a short jitter, a refusal by the account's socket
 *   cap (4029) on a growing backoff no shorter than its `retryAfterMs`, a fast failure (refused, closed
 *   before open, within `fastFailMs`, not a timeout) on a short cadence, the rest on the backoff.
 * - `hooks.onDown` runs every time a ready-or-not transport goes away, whatever the reason.
 */
import {
  AUTH_CLOSE_CODES,
  CloseCode,
  CloseReason,
  type Device,
  ErrorCode,
  HeraldError,
  type ServerFrame,
  type ServerFrameOf,
} from '@herald/protocol';
import { type FailureKind, reconnectPlan } from './backoff.js';
import type { CredentialProvider, ResolvedOptions } from './client-options.js';
import { type ConnectionState, ConnectionStateStore, type ConnectionStatus } from './connection-state.js';
import type { Environment } from './environment.js';
import { ReconnectScheduler } from './reconnect.js';
import { Transport, type TransportClosed } from './transport.js';

export interface ConnectionHooks {
  /** The socket is authenticated and the status is `connected`. */
  onReady(frame: ServerFrameOf<'connected'>): void;
  onFrame(frame: ServerFrame): void;
  /** Any data arrived (liveness). */
  onData(): void;
  onInvalid(error: HeraldError): void;
  /** The transport is gone (lost, refused, abandoned or closed on purpose). */
  onDown(): void;
}

export interface ConnectionTarget {
  url: string;
  credentials: CredentialProvider;
  device: Device;
}

/** Error codes in a refusal reply (or thrown by the credential provider) that mean "this credential will not do". */
const AUTH_ERRORS: readonly string[] = [
  ErrorCode.Unauthorized,
  ErrorCode.TokenExpired,
  ErrorCode.Forbidden,
  ErrorCode.SessionRevoked,
  ErrorCode.AccountDisabled,
];
/** 4001 close reasons the server gives, each also an error code (`token_expired`, `session_revoked`, `account_disabled`). */
const CLOSE_REASONS: readonly string[] = Object.values(CloseReason);
/** Close codes of a server going away on purpose (restart, drain, overload): it is expected back soon. */
const GOING_AWAY: readonly number[] = [1001, 1012, 1013];

export class ConnectionManager {
  readonly state = new ConnectionStateStore();
  readonly #scheduler: ReconnectScheduler;
  #transport: Transport | null = null;
  #generation = 0;
  #authRetried = false;
  /** When the current attempt began (its credential call), for the fast-failure rule. */
  #attemptStartedAt = 0;
  /** Set by `abandon()`: the socket going away now was declared dead by this client. */
  #declaredDead = false;

  readonly #env: Environment;
  readonly #config: ResolvedOptions;
  readonly #target: ConnectionTarget;
  readonly #hooks: ConnectionHooks;
  constructor(env: Environment, config: ResolvedOptions, target: ConnectionTarget, hooks: ConnectionHooks) {
    this.#env = env;
    this.#config = config;
    this.#target = target;
    this.#hooks = hooks;
    this.#scheduler = new ReconnectScheduler(env.timers, env.online, env.random, config.backoff.wakeJitterMs);
  }

  /** True when a socket is authenticated and may carry requests. */
  get isReady(): boolean {
    return this.#transport?.isReady === true && this.state.getState().status === 'connected';
  }

  /** Send on the ready socket; false when there is none. */
  send(frame: Parameters<Transport['send']>[0]): boolean {
    return this.isReady && this.#transport?.send(frame) === true;
  }

  /** Send even before `connected` (heartbeats); false without an open socket. */
  sendRaw(frame: Parameters<Transport['send']>[0]): boolean {
    return this.#transport?.send(frame) ?? false;
  }

  /** Start connecting unless already connected or on the way; resolves when ready. */
  connect(): Promise<void> {
    const { status } = this.state.getState();
    if (status === 'connected') return Promise.resolve();
    if (status === 'disconnected' || status === 'error') {
      this.#authRetried = false;
      this.state.transition('connecting', {
        reconnectAttempts: 0,
        error: null,
        nextRetryAt: null,
        attemptLimitPassed: false,
        retryEveryMs: null,
      });
      void this.#openAttempt(false);
    }
    return this.whenReady();
  }

  /** Start over after `error`; while reconnecting, try at once with a fresh attempt budget. */
  reconnect(): Promise<void> {
    if (this.state.getState().status !== 'reconnecting') return this.connect();
    this.state.update({ reconnectAttempts: 0, attemptLimitPassed: false });
    this.#scheduler.runNow();
    return this.whenReady();
  }

  /** Try soon (within the wake jitter) if waiting to reconnect: page visible or focused again, network back. */
  retryNow(): void {
    if (this.state.getState().status !== 'reconnecting') return;
    const due = this.#scheduler.runSoon();
    if (due !== null) this.state.update({ nextRetryAt: due });
  }

  /** Abandon the current socket as dead (no heartbeat reply): it is replaced at once, no backoff. */
  abandon(error: HeraldError): void {
    if (!this.#transport) return;
    this.#declaredDead = true;
    this.#transport.close(error);
  }

  /** Close on purpose and stop retrying. */
  disconnect(): void {
    this.#generation++;
    this.#scheduler.cancel();
    this.#dropTransport(null, true);
    const current = this.state.getState();
    if (current.status === 'disconnected') return;
    this.state.transition('disconnected', {
      lastDisconnected: current.status === 'connected' ? this.#env.timers.now() : current.lastDisconnected,
      reconnectAttempts: 0,
      nextRetryAt: null,
      attemptLimitPassed: false,
      retryEveryMs: null,
    });
  }

  dispose(): void {
    this.disconnect();
    this.#scheduler.dispose();
    this.state.clear();
  }

  /** Resolves on `connected`; rejects on `error` (with its error) or `disconnected`. */
  whenReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const settle = (state: ConnectionState): boolean => {
        if (state.status === 'connected') resolve();
        else if (state.status === 'error') reject(state.error ?? new HeraldError(ErrorCode.Unavailable, 'connection failed'));
        else if (state.status === 'disconnected')
          reject(new HeraldError(ErrorCode.Disconnected, 'disconnected before the connection was ready'));
        else return false;
        return true;
      };
      if (settle(this.state.getState())) return;
      const stop = this.state.subscribe((state) => {
        if (settle(state)) stop();
      });
    });
  }

  async #openAttempt(refresh: boolean): Promise<void> {
    const generation = ++this.#generation;
    this.#attemptStartedAt = this.#env.timers.now();
    this.state.update({ nextRetryAt: null });
    const WebSocketImpl = this.#env.WebSocket;
    if (!WebSocketImpl) {
      this.#fail(new HeraldError(ErrorCode.Unavailable, 'no WebSocket constructor: pass options.WebSocket'));
      return;
    }
    let token: string;
    try {
      token = await this.#target.credentials({ refresh, reason: refresh ? 'refused' : 'connect' });
    } catch (error) {
      if (generation !== this.#generation) return;
      if (error instanceof HeraldError && AUTH_ERRORS.includes(error.code)) this.#fail(error);
      else this.#retryLater(new HeraldError(ErrorCode.Unavailable, `credential provider failed: ${String(error)}`, { cause: error }));
      return;
    }
    if (generation !== this.#generation) return;
    try {
      const transport: Transport = new Transport(
        WebSocketImpl,
        this.#env.timers,
        { url: this.#target.url, token, device: this.#target.device, connectTimeoutMs: this.#config.connectTimeoutMs },
        {
          onReady: (frame) => this.#transport === transport && this.#onReady(frame),
          onFrame: (frame) => this.#transport === transport && this.#hooks.onFrame(frame),
          onData: () => this.#hooks.onData(),
          onInvalid: (error) => this.#hooks.onInvalid(error),
          onClose: (closed) => this.#transport === transport && this.#onClosed(closed),
        },
      );
      this.#transport = transport;
    } catch (error) {
      this.#fail(new HeraldError(ErrorCode.Unavailable, `cannot open a socket to ${this.#target.url}: ${String(error)}`, { cause: error }));
    }
  }

  #onReady(frame: ServerFrameOf<'connected'>): void {
    this.#authRetried = false;
    this.#moveTo('connected', {
      lastConnected: this.#env.timers.now(),
      reconnectAttempts: 0,
      error: null,
      nextRetryAt: null,
      attemptLimitPassed: false,
      retryEveryMs: null,
    });
    this.#hooks.onReady(frame);
  }

  #onClosed(closed: TransportClosed): void {
    this.#transport = null;
    const declaredDead = this.#declaredDead;
    this.#declaredDead = false;
    this.#hooks.onDown();
    const patch = closed.wasReady ? { lastDisconnected: this.#env.timers.now() } : {};
    const refused = AUTH_CLOSE_CODES.includes(closed.code) || (closed.error !== null && AUTH_ERRORS.includes(closed.error.code));
    const code = !refused
      ? ErrorCode.Disconnected
      : CLOSE_REASONS.includes(closed.reason)
        ? (closed.reason as ErrorCode)
        : ErrorCode.Unauthorized;
    const error =
      closed.error ??
      new HeraldError(code, `connection closed (${closed.code} ${closed.reason})`, {
        code: closed.code,
        reason: closed.reason,
      });
    if (!refused) {
      this.#retryLater(error, patch, this.#failureKind(closed, declaredDead));
    } else if (this.#authRetried) {
      this.#fail(error);
    } else {
      // One refresh and one retry, at once: backing off would not make a refused token valid.
      this.#authRetried = true;
      this.#moveTo(closed.wasReady ? 'reconnecting' : this.state.getState().status, { ...patch, error });
      void this.#openAttempt(true);
    }
  }

  /** Which schedule rule the end of this transport calls for (see backoff.ts). */
  #failureKind(closed: TransportClosed, declaredDead: boolean): FailureKind {
    if (declaredDead && closed.wasReady) return 'dead';
    if (GOING_AWAY.includes(closed.code)) return 'goingAway';
    // Retrying at once cannot help: a slot frees only when another of the account's sockets closes.
    if (closed.code === CloseCode.TooManySockets) return 'limited';
    const quick = this.#env.timers.now() - this.#attemptStartedAt < this.#config.backoff.fastFailMs;
    const timedOut = closed.error?.code === ErrorCode.Timeout;
    if (!closed.wasReady && quick && !timedOut && this.#env.online.isOnline()) return 'fastFail';
    return 'slow';
  }

  #retryLater(error: HeraldError, patch: Partial<ConnectionState> = {}, kind: FailureKind = 'slow'): void {
    const attempts = this.state.getState().reconnectAttempts;
    const policy = this.#config.backoff;
    if (policy.giveUp && attempts >= policy.maxAttempts) {
      const message = `gave up after ${attempts} reconnect attempts: ${error.message}`;
      this.#fail(new HeraldError(ErrorCode.Unavailable, message, { last: error.toJSON() }), patch);
      return;
    }
    const attempt = attempts + 1;
    const hinted = (error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
    const minDelayMs = kind === 'limited' && typeof hinted === 'number' && hinted > 0 ? hinted : 0;
    const plan = reconnectPlan(kind, attempt, policy, this.#env.random, this.#env.visibility.isVisible(), minDelayMs);
    const due = this.#scheduler.schedule(plan.delayMs, () => void this.#openAttempt(false));
    this.#moveTo('reconnecting', {
      ...patch,
      error,
      reconnectAttempts: attempt,
      nextRetryAt: due,
      attemptLimitPassed: attempt > policy.maxAttempts,
      retryEveryMs: plan.everyMs,
    });
  }

  #fail(error: HeraldError, patch: Partial<ConnectionState> = {}): void {
    this.#generation++;
    this.#scheduler.cancel();
    this.#dropTransport(error, false);
    this.#moveTo('error', { ...patch, error, nextRetryAt: null, retryEveryMs: null });
  }

  #dropTransport(error: HeraldError | null, graceful: boolean): void {
    const transport = this.#transport;
    this.#transport = null;
    transport?.close(error, graceful);
    this.#hooks.onDown();
  }

  #moveTo(status: ConnectionStatus, patch: Partial<ConnectionState>): void {
    const { status: _ignored, ...rest } = patch;
    if (this.state.getState().status === status) this.state.update(rest);
    else this.state.transition(status, rest);
  }
}
