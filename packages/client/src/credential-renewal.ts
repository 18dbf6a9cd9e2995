/**
 * CredentialRenewal: keeps the socket's credential ahead of its expiry, in band. After `connected`
 * (and after each renewal) it schedules the next one at `credentialExpiresAt - lead`, asks the
 * credential provider for a fresh token (`{ refresh: true, reason: 'renew' }`) and sends
 * `reauthenticate` on the same socket: no reconnect, so subscriptions, in-flight sends and the
 * outbox never notice.
 * Invariants:
 * - One timer at a time; `stop()` (socket down, disconnect, dispose) and every `start()` (a new
 *   socket) clear it, and bump `generation` so an older renewal's late answer never acts.
 * - Times are measured on the server's clock (`connected.serverTime` gives the offset), so a client
 *   whose clock is off still renews on time.
 * - A refused renewal is retried with backoff while the credential lasts (reported through
 *   `report`), except `session_revoked` / `account_disabled`, after which the server closes the socket
 *   and the connection's auth-refusal path takes over. If every try fails, the server closes with
 *   4001 `token_expired` at expiry and the connection refreshes and reconnects, resuming with `since`.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { TimerHandle, Timers } from './environment.js';

export interface CredentialRenewalDeps {
  timers: Timers;
  /** Jitter source in [0, 1). */
  random: () => number;
  /** A fresh access token (the credential provider, forced to refresh). */
  freshToken(): string | Promise<string>;
  /** Send `reauthenticate`; resolves with the ack's result, rejects with the HeraldError reply. */
  reauthenticate(token: string): Promise<{ credentialExpiresAt: number }>;
  /** A renewal failed (retried, or given up on). */
  report(error: HeraldError): void;
}

/** Renew at least this long before expiry. */
export const RENEW_LEAD_MIN_MS = 5_000;
/** ... or this share of the remaining lifetime before it, whichever is longer. */
export const RENEW_LEAD_SHARE = 0.25;
/** Tries after a failed renewal, before leaving it to the server's expiry close. */
export const RENEW_RETRIES = 3;
/** Longest delay a host timer takes (2^31-1 ms: browsers fire longer ones at once). */
const MAX_TIMER_MS = 2_147_483_647;

/** Refusals after which the server closes the socket: retrying would be pointless. */
const FINAL: readonly string[] = [ErrorCode.SessionRevoked, ErrorCode.AccountDisabled];

/**
 * How long to wait before renewing a credential that lasts `remainingMs` more: a lead of
 * max(5 s, 25 % of the remaining lifetime), at most half of it (a lifetime of a few seconds would
 * otherwise be renewed at once, again and again), minus up to a tenth of the lead of jitter so a
 * fleet that connected together spreads out. Never negative.
 */
export function renewalDelay(remainingMs: number, random: () => number): number {
  if (remainingMs <= 0) return 0;
  const lead = Math.min(Math.max(RENEW_LEAD_MIN_MS, remainingMs * RENEW_LEAD_SHARE), remainingMs / 2);
  return Math.max(0, Math.floor(remainingMs - lead - random() * lead * 0.1));
}

/** The wait before retry `attempt` (1-based): doubling from 1 s, but within half the time left (at least 200 ms). */
export function retryDelay(attempt: number, remainingMs: number, random: () => number): number {
  const ceiling = Math.max(200, Math.min(1_000 * 2 ** (attempt - 1), remainingMs / 2));
  return Math.floor(ceiling * (0.5 + random() / 2));
}

export class CredentialRenewal {
  #timer: TimerHandle | undefined;
  #generation = 0;
  /** Server clock minus ours, from the last `connected`. */
  #offset = 0;
  #expiresAt = 0;
  #failures = 0;

  readonly #deps: CredentialRenewalDeps;
  constructor(deps: CredentialRenewalDeps) {
    this.#deps = deps;
  }

  /** A socket became ready: renew ahead of the expiry `connected` announced. */
  start(connected: { serverTime: number; credentialExpiresAt: number }): void {
    this.stop();
    this.#offset = connected.serverTime - this.#deps.timers.now();
    this.#schedule(connected.credentialExpiresAt);
  }

  /** The socket is gone (or the client stops): no renewal until the next `start`. */
  stop(): void {
    this.#generation++;
    this.#clearTimer();
    this.#failures = 0;
  }

  #remaining(): number {
    return this.#expiresAt - (this.#deps.timers.now() + this.#offset);
  }

  #schedule(expiresAt: number): void {
    this.#expiresAt = expiresAt;
    this.#failures = 0;
    const remaining = this.#remaining();
    // Far beyond a host timer's reach (a token that never expires): look again then, no jitter drawn.
    if (remaining > MAX_TIMER_MS) this.#arm(MAX_TIMER_MS, () => this.#schedule(expiresAt));
    else this.#arm(renewalDelay(remaining, this.#deps.random), (generation) => void this.#renew(generation));
  }

  #arm(delayMs: number, run: (generation: number) => void): void {
    this.#clearTimer();
    const generation = this.#generation;
    this.#timer = this.#deps.timers.setTimeout(() => {
      this.#timer = undefined;
      if (generation === this.#generation) run(generation);
    }, delayMs);
  }

  async #renew(generation: number): Promise<void> {
    let expiresAt: number;
    try {
      const token = await this.#deps.freshToken();
      if (generation !== this.#generation) return;
      ({ credentialExpiresAt: expiresAt } = await this.#deps.reauthenticate(token));
    } catch (error) {
      if (generation !== this.#generation) return;
      this.#failed(error);
      return;
    }
    if (generation !== this.#generation) return;
    this.#schedule(expiresAt);
  }

  #failed(cause: unknown): void {
    const code = cause instanceof HeraldError ? cause.code : ErrorCode.Unavailable;
    if (FINAL.includes(code)) return; // the server closes the socket; the connection handles that
    this.#failures++;
    const retrying = this.#failures <= RENEW_RETRIES;
    const message = `credential renewal failed (${retrying ? `retry ${this.#failures} of ${RENEW_RETRIES}` : 'giving up until expiry'}): ${cause instanceof Error ? cause.message : String(cause)}`;
    this.#deps.report(new HeraldError(code, message, { reason: 'renewal_failed', attempt: this.#failures }));
    if (retrying) this.#arm(retryDelay(this.#failures, this.#remaining(), this.#deps.random), (generation) => void this.#renew(generation));
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#deps.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
