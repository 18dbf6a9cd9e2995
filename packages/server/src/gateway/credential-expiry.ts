/**
 * CredentialExpiry: one timer for every connection of the node, closing the sockets whose access
 * token ran out. A socket lives on its token's lifetime plus `graceMs`; the client renews in band
 * (`reauthenticate`) before then, and a socket that did not gets an `error` frame `token_expired`
 * and a 4001 close with reason `token_expired` (the client refreshes and reconnects, resuming with
 * `since`).
 * Invariants: no per-connection timers (one paced walk: a pass over every socket takes `tickMs`,
 * default 1 s, done a share per STEP_MS timer call as in liveness.ts, so one call's work does not
 * grow with the sockets; a socket is closed at most `tickMs` + STEP_MS after its deadline); only `ready` sockets are judged (authentication has its
 * own deadline in liveness.ts); the closes one sweep decides go out at most `EXPIRY_SLICE` per
 * event-loop turn, and each is re-checked when its turn comes, so a renewal that landed meanwhile
 * keeps its socket. Sockets that authenticated together (a deploy, a reconnect wave) expire together.
 */
import { CloseCode, CloseReason, ErrorCode, HeraldError } from '@herald/protocol';
import { PacedWalk } from '../util/paced-walk.js';
import { STEP_MS } from './liveness.js';

/** The part of a connection the sweep reads and acts on. */
export interface CredentialHolder {
  readonly state: 'authenticating' | 'ready' | 'closing' | 'closed';
  /** When its access token expires (ms epoch; 0 before authentication). */
  readonly credentialExpiresAt: number;
  sendError(error: HeraldError): void;
  close(code: number, reason: string): void;
}

export interface CredentialExpiryOptions<C extends CredentialHolder> {
  /** How long past its token's expiry a socket may stay open without renewing (ms). */
  graceMs: number;
  /** How long one pass over every socket takes (ms); default 1000. */
  tickMs?: number;
  /** Told of each socket closed for an expired credential. */
  onExpired?: (connection: C) => void;
}

/** Closes per event-loop turn: each is a frame and a close handshake, and a turn should stay short. */
export const EXPIRY_SLICE = 64;

export class CredentialExpiry<C extends CredentialHolder> {
  private readonly timer: NodeJS.Timeout;
  /** Sockets found past their deadline, closed from `next` on across turns. */
  private queue: C[] = [];
  private next = 0;
  private closing = false;
  /** The time of the sweep that filled the queue (each socket is re-checked against it). */
  private sweptAt = 0;

  private readonly walk: PacedWalk<C, C>;

  constructor(
    private readonly connections: ReadonlySet<C>,
    private readonly options: CredentialExpiryOptions<C>,
  ) {
    const passMs = Math.max(STEP_MS, options.tickMs ?? 1_000);
    // The first pass starts at the first step (the clock is whatever `step` is given).
    this.walk = new PacedWalk(connections, passMs, STEP_MS, Number.NEGATIVE_INFINITY);
    this.timer = setInterval(() => this.step(Date.now()), Math.min(STEP_MS, passMs));
    this.timer.unref();
  }

  /** This call's share of the paced pass (the timer calls it every STEP_MS). */
  step(now: number): void {
    this.walk.step(now, (connection) => {
      if (this.expired(connection, now)) this.queue.push(connection);
    });
    this.startClosing(now);
  }

  stop(): void {
    clearInterval(this.timer);
    this.queue = [];
    this.next = 0;
  }

  /** Whether `connection`'s credential, grace included, has run out at `now`. */
  expired(connection: C, now: number): boolean {
    return (
      connection.state === 'ready' && connection.credentialExpiresAt > 0 && now >= connection.credentialExpiresAt + this.options.graceMs
    );
  }

  /** One whole pass over every connection at once (for tests; the timer walks it a share at a time: `step`). */
  sweep(now: number): void {
    if (this.closing) return; // the previous wave is still going out; this one would repeat it
    for (const connection of this.connections) {
      if (this.expired(connection, now)) this.queue.push(connection);
    }
    this.startClosing(now);
  }

  private startClosing(now: number): void {
    if (this.queue.length === 0) return;
    // Later finds join the wave under way (it runs to the queue's end); each is re-checked at `sweptAt`.
    this.sweptAt = Math.max(this.sweptAt, now);
    if (this.closing) return;
    this.closing = true;
    this.closeSlice();
  }

  private closeSlice(): void {
    const end = Math.min(this.queue.length, this.next + EXPIRY_SLICE);
    for (; this.next < end; this.next++) {
      const connection = this.queue[this.next];
      // Re-checked: a `reauthenticate` may have landed between the sweep and this turn.
      if (!connection || !this.expired(connection, this.sweptAt)) continue;
      this.options.onExpired?.(connection);
      connection.sendError(new HeraldError(ErrorCode.TokenExpired, 'access token expired: reauthenticate before credentialExpiresAt'));
      connection.close(CloseCode.Unauthorized, CloseReason.TokenExpired);
    }
    if (this.next >= this.queue.length) {
      this.queue = [];
      this.next = 0;
      this.closing = false;
      return;
    }
    setImmediate(() => this.closeSlice());
  }
}
