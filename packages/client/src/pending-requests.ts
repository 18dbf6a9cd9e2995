/**
 * PendingRequests: requests waiting for their `ack` or `error` frame, keyed by the request id
 * (the reply's `ref`).
 * Invariants:
 * - Each one settles exactly once — by its reply, its timeout, `connectionLost` (unless it
 *   migrates) or `rejectAll` — and its timers are cleared whenever it settles.
 * - A request with no reply after `probeAfterMs`, and one that times out, call `onSuspect`: the
 *   socket it went out on may be dead (the client probes it with a short deadline).
 * - A `migrate` request (idempotent: resending the same frame id is safe) survives its socket:
 *   `connectionLost` keeps it, `resend` puts the same frame on the next ready socket, and it still
 *   settles within its own overall timeout. Others reject with `disconnected` when the socket dies.
 */
import { type ClientFrame, ErrorCode, HeraldError, type ServerFrameOf } from '@herald/protocol';
import type { TimerHandle, Timers } from './environment.js';

/**
 * Request actions that are safe to send twice with the same id and mean nothing tied to one socket:
 * they move to the next socket. `subscribe` (Subscriptions resubscribes), `stats_subscribe`,
 * `unsubscribe`, `reauthenticate` and `heartbeat` are bound to their socket; `send_message` goes
 * through the outbox, which resends after `disconnected` itself.
 */
export const MIGRATING_ACTIONS: ReadonlySet<string> = new Set([
  'history',
  'mark_read',
  'presence_query',
  'notifications_read',
  // Changes to messages: the frame id is the server's idempotency key, so a resend answers like the first.
  'edit_message',
  'delete_message',
  'react',
  'search',
]);

/** How one request is tracked beyond its timeout. */
export interface PendingOptions {
  /** The frame, kept for a resend on the next socket when `migrate` is set. */
  frame?: ClientFrame;
  /** Idempotent: moves to the next socket instead of failing with `disconnected`. */
  migrate?: boolean;
  /** Suspect the socket after this long without a reply (default: only on timeout). */
  probeAfterMs?: number;
}

interface Pending {
  resolve: (result: unknown) => void;
  reject: (error: HeraldError) => void;
  timer: TimerHandle;
  probeTimer: TimerHandle | undefined;
  frame: ClientFrame | undefined;
  migrate: boolean;
  /** False once its socket died and it waits for the next one. */
  onWire: boolean;
}

export class PendingRequests {
  readonly #pending = new Map<string, Pending>();

  readonly #timers: Timers;
  readonly #onSuspect: () => void;
  constructor(timers: Timers, onSuspect: () => void = () => undefined) {
    this.#timers = timers;
    this.#onSuspect = onSuspect;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Wait for the reply to request `ref`; rejects with `timeout` after `timeoutMs`. */
  add(ref: string, timeoutMs: number, options: PendingOptions = {}): Promise<unknown> {
    this.#settle(ref, undefined, new HeraldError(ErrorCode.Conflict, `request ${ref} was superseded by a resend`));
    return new Promise<unknown>((resolve, reject) => {
      const timer = this.#timers.setTimeout(() => {
        const onWire = this.#pending.get(ref)?.onWire === true;
        this.#settle(ref, undefined, new HeraldError(ErrorCode.Timeout, `no reply to request ${ref} within ${timeoutMs} ms`));
        if (onWire) this.#onSuspect();
      }, timeoutMs);
      const probeAfterMs = options.probeAfterMs;
      const probeTimer =
        probeAfterMs !== undefined && probeAfterMs < timeoutMs
          ? this.#timers.setTimeout(() => {
              const entry = this.#pending.get(ref);
              if (entry) entry.probeTimer = undefined;
              if (entry?.onWire) this.#onSuspect();
            }, probeAfterMs)
          : undefined;
      this.#pending.set(ref, { resolve, reject, timer, probeTimer, frame: options.frame, migrate: options.migrate === true, onWire: true });
    });
  }

  /** Settle the request an `ack` or `error` frame answers; false when none waits for it. */
  reply(frame: ServerFrameOf<'ack'> | ServerFrameOf<'error'>): boolean {
    const ref = frame.data.ref;
    if (ref === undefined || !this.#pending.has(ref)) return false;
    if (frame.action === 'ack') this.#settle(ref, frame.data.result);
    else this.#settle(ref, undefined, new HeraldError(frame.data.code, frame.data.message, frame.data.details));
    return true;
  }

  /** The socket died: reject what is bound to it with `error`; migrating requests wait for the next socket. */
  connectionLost(error: HeraldError): void {
    for (const [ref, entry] of [...this.#pending]) {
      if (entry.migrate && entry.frame) {
        entry.onWire = false;
        if (entry.probeTimer !== undefined) this.#timers.clearTimeout(entry.probeTimer);
        entry.probeTimer = undefined;
      } else {
        this.#settle(ref, undefined, error);
      }
    }
  }

  /** A new socket is ready: send every waiting migrated request again (same frame, same id). */
  resend(send: (frame: ClientFrame) => boolean): void {
    for (const entry of this.#pending.values()) {
      if (entry.onWire || !entry.frame) continue;
      if (send(entry.frame)) entry.onWire = true;
    }
  }

  /** Reject every waiting request (disconnect, dispose). */
  rejectAll(error: HeraldError): void {
    for (const ref of [...this.#pending.keys()]) this.#settle(ref, undefined, error);
  }

  #settle(ref: string, result: unknown, error?: HeraldError): void {
    const entry = this.#pending.get(ref);
    if (!entry) return;
    this.#pending.delete(ref);
    this.#timers.clearTimeout(entry.timer);
    if (entry.probeTimer !== undefined) this.#timers.clearTimeout(entry.probeTimer);
    if (error) entry.reject(error);
    else entry.resolve(result);
  }
}
