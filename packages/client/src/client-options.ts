/**
 * Options of `createClient` and their defaults, in one place.
 * Invariant: every tunable has a documented default here; nothing else invents one.
 */
import type { Device, HeraldError } from '@herald/protocol';
import { type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';
import type { ConnectionSharing } from './connection-sharing.js';
import { DEFAULT_DISPATCH, type DispatchQueueOptions } from './dispatch-queue.js';
import type { FocusSource, OnlineSource, Timers, VisibilitySource, WebSocketConstructor } from './environment.js';
import type { OutboxStore } from './outbox-store.js';

/** Why the credential provider is asked: a connect, a retry after the server refused (or expired) a token, or an in-band renewal. */
export type CredentialReason = 'connect' | 'refused' | 'renew';

/**
 * Returns an access token. Called on every connect, so a refreshed token is picked up; with
 * `refresh: true` (force a refresh) after the server refused the previous one (`reason: 'refused'`)
 * and ahead of the socket's credential expiry, to renew it in band (`reason: 'renew'`). Throw a
 * HeraldError `unauthorized`, `session_revoked` or `account_disabled` when there is no credential
 * to give (signed out): the client stops with status `error` instead of retrying.
 */
export type CredentialProvider = (context: { refresh: boolean; reason?: CredentialReason }) => string | Promise<string>;

/** Where a reported error came from. */
export type ErrorSource = 'handler' | 'frame' | 'dispatch' | 'outbox' | 'subscription' | 'connection';

/** What `onError` gets besides the error. */
export interface ErrorContext {
  source: ErrorSource;
  /** The frame action (handler errors) or conversation id (subscription errors), when there is one. */
  detail?: string;
}

export interface HeraldClientOptions {
  /** The gateway URL, e.g. `wss://chat.example.com/ws`. */
  url: string;
  credentials: CredentialProvider;
  device: Device;
  /** WebSocket constructor; default `globalThis.WebSocket` (pass `ws` on Node 20). */
  WebSocket?: WebSocketConstructor;
  /** Timers and clock; default the host's. */
  timers?: Timers;
  /** Jitter source in [0, 1); default Math.random. */
  random?: () => number;
  /** Default: `navigator.onLine` and window online/offline events, when present. */
  online?: OnlineSource;
  /** Default: `document.visibilityState` and `visibilitychange`, when present. */
  visibility?: VisibilitySource;
  /** Default: window `focus` and `pageshow`, when present (each retries a waiting reconnect soon). */
  focus?: FocusSource;
  /**
   * Reconnect schedule (backoff.ts): backoff base 2 s, factor 2, cap 30 s; a budget of 15 attempts
   * after which the client keeps trying at the cap (`giveUp: true` stops with `error` instead);
   * fast failures (`fastFailMs` 3 s) retried every 1–2.5 s; going-away closes after 0.25–2 s.
   */
  reconnect?: Partial<BackoffPolicy>;
  /** Heartbeat period; default the server's `connected.heartbeatIntervalMs`, else 45 s. */
  heartbeatIntervalMs?: number;
  /** How long to wait for any frame after a heartbeat before the socket counts as dead (default 10 s). */
  heartbeatTimeoutMs?: number;
  /** Time from opening a socket to `connected` before the attempt is abandoned (default 10 s). */
  connectTimeoutMs?: number;
  /** Time to wait for a request's ack (default 10 s). */
  requestTimeoutMs?: number;
  /** A request (or outbox send) with no ack after this long makes the client probe its socket (default 3 s). */
  ackProbeMs?: number;
  /** Deadline of such a probe: no frame from the server within it and the socket is replaced (default 3 s). */
  probeTimeoutMs?: number;
  /**
   * Incoming dispatch queue: capacity (default 100, oldest dropped beyond; messages of followed
   * conversations are never dropped and not counted), batch size and time budget.
   */
  dispatch?: Partial<DispatchQueueOptions>;
  /**
   * Outgoing messages. The limit guards memory, not patience: at most `capacity` messages (default
   * 10,000) and `maxBytes` of frame JSON (UTF-8, default 16 MiB) are held, failed ones included;
   * `store` keeps them across reloads (default: IndexedDB `herald-outbox` where the host has it,
   * falling back to memory if it fails; memory otherwise); `pace` sends at the rate the server
   * advertises in `connected.limits` (default true).
   */
  outbox?: { capacity?: number; maxBytes?: number; store?: OutboxStore; pace?: boolean };
  /** How long a followed conversation may stay behind (past a gap, or short of its catch-up target) with no progress before it reads from history (default 1 s). */
  gapTimeoutMs?: number;
  /** Delay between the last `acquire()` release and the disconnect (default 1 s). */
  releaseGraceMs?: number;
  /**
   * Share one socket with the other tabs of this origin and user (`shareConnection({ key })` from
   * `@herald/client/shared`; undefined where the host lacks the APIs). Default (or `false`): a socket
   * of its own. The client owns it and disposes it.
   */
  shareConnection?: ConnectionSharing | false | undefined;
  /** Failures that have no promise to reject: handler errors, invalid frames, drops, background sends. */
  onError?: (error: HeraldError, context: ErrorContext) => void;
}

/** The options with every default filled in (environment aside). */
export interface ResolvedOptions {
  backoff: BackoffPolicy;
  heartbeatIntervalMs: number | undefined;
  heartbeatTimeoutMs: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  ackProbeMs: number;
  probeTimeoutMs: number;
  dispatch: DispatchQueueOptions;
  outboxCapacity: number;
  outboxMaxBytes: number;
  outboxPace: boolean;
  gapTimeoutMs: number;
  releaseGraceMs: number;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 45_000;

export function resolveOptions(options: HeraldClientOptions): ResolvedOptions {
  return {
    backoff: { ...DEFAULT_BACKOFF, ...options.reconnect },
    heartbeatIntervalMs: options.heartbeatIntervalMs,
    heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 10_000,
    connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
    ackProbeMs: options.ackProbeMs ?? 3_000,
    probeTimeoutMs: options.probeTimeoutMs ?? 3_000,
    dispatch: { ...DEFAULT_DISPATCH, ...options.dispatch },
    outboxCapacity: options.outbox?.capacity ?? 10_000,
    outboxMaxBytes: options.outbox?.maxBytes ?? 16 * 1024 * 1024,
    outboxPace: options.outbox?.pace ?? true,
    gapTimeoutMs: options.gapTimeoutMs ?? 1_000,
    releaseGraceMs: options.releaseGraceMs ?? 1_000,
  };
}
