/**
 * UpgradeGuard: the per-client-IP limits on WebSocket upgrades, checked before the WebSocket is
 * accepted (the cheapest point: no ws objects, no Connection): how many sockets one IP may hold
 * before they authenticate (HERALD_IP_PENDING_SOCKETS, limit `ip_pending_sockets`, per node: such
 * sockets live at most the auth timeout on the node they reached) and how many upgrades it may make
 * per minute (HERALD_IP_HANDSHAKES_PER_MINUTE, limit `ip_handshakes`, a fixed window in the shared
 * CounterStore: cluster-wide on Redis). A refusal is HTTP 429 with `Retry-After` and the usual
 * `{error: {code: 'rate_limited', details: {limit, retryAfterMs}}}` body.
 * The client IP is the one every per-IP limit counts (http/client-ip.ts, HERALD_TRUST_PROXY).
 * Invariants: `admit` reserves the pending slot it grants, synchronously after its last await, so
 * concurrent upgrades cannot all take the last slot; every reservation is either bound to a
 * connection (`opened`) or returned (`cancel`); a slot is freed exactly once, when its socket
 * authenticates or closes (`settled`).
 */
import type { IncomingMessage } from 'node:http';
import type { HeraldError } from '@herald/protocol';
import type { CounterStore } from '../limits/counter-store.js';
import { rateLimited } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';
import type { Connection } from './connection.js';

export interface UpgradeGuardOptions {
  /** Most unauthenticated sockets per client IP on this node. */
  pendingPerIp: number;
  /** Upgrades per minute per client IP. */
  handshakesPerMinute: number;
  /** What a refused pending socket is told to wait: about how long until one of the IP's pending sockets authenticates or times out. */
  pendingRetryAfterMs: number;
  clientIp: (request: IncomingMessage) => string;
  counters: CounterStore;
  metrics: Pick<Metrics, 'limitRejections'>;
}

export type UpgradeVerdict = { ok: true; ip: string } | { ok: false; error: HeraldError; retryAfterMs: number };

const MINUTE_MS = 60_000;

export class UpgradeGuard {
  /** Unauthenticated sockets (and granted reservations) per client IP. */
  private readonly pending = new Map<string, number>();
  /** The IP each still-unauthenticated connection counts against. */
  private readonly pendingOf = new WeakMap<Connection, string>();

  constructor(private readonly options: UpgradeGuardOptions) {}

  /** Count the upgrade and decide; when ok, a pending slot is reserved for it (bind it with `opened`, or `cancel`). */
  async admit(request: IncomingMessage): Promise<UpgradeVerdict> {
    const { options } = this;
    const ip = options.clientIp(request);
    // The pending cap is checked before the counter too, so a flood at the cap costs no round trip.
    if (this.pendingFull(ip)) return this.refusePending();
    const window = await options.counters.hit(`ws_handshakes:${ip}`, MINUTE_MS);
    if (window.count > options.handshakesPerMinute) {
      const retryAfterMs = Math.max(1, window.resetInMs);
      const error = rateLimited(
        'ip_handshakes',
        retryAfterMs,
        `more than ${options.handshakesPerMinute} socket upgrades a minute from this address`,
        options.metrics,
      );
      return { ok: false, error, retryAfterMs };
    }
    if (this.pendingFull(ip)) return this.refusePending();
    this.pending.set(ip, (this.pending.get(ip) ?? 0) + 1);
    return { ok: true, ip };
  }

  /** The reserved slot of `ip` now belongs to `connection`, until it authenticates or closes. */
  opened(connection: Connection, ip: string): void {
    this.pendingOf.set(connection, ip);
  }

  /** The upgrade did not produce a socket: give its reservation back. */
  cancel(ip: string): void {
    this.free(ip);
  }

  /** The connection authenticated or closed: its slot (if it still held one) is free. */
  settled(connection: Connection): void {
    const ip = this.pendingOf.get(connection);
    if (ip === undefined) return;
    this.pendingOf.delete(connection);
    this.free(ip);
  }

  /** Unauthenticated sockets of `ip` on this node (for tests and stats). */
  pendingOfIp(ip: string): number {
    return this.pending.get(ip) ?? 0;
  }

  private pendingFull(ip: string): boolean {
    return (this.pending.get(ip) ?? 0) >= this.options.pendingPerIp;
  }

  private refusePending(): UpgradeVerdict {
    const { pendingPerIp, pendingRetryAfterMs, metrics } = this.options;
    const error = rateLimited(
      'ip_pending_sockets',
      pendingRetryAfterMs,
      `more than ${pendingPerIp} sockets from this address have not authenticated yet`,
      metrics,
    );
    return { ok: false, error, retryAfterMs: pendingRetryAfterMs };
  }

  private free(ip: string): void {
    const count = (this.pending.get(ip) ?? 0) - 1;
    if (count > 0) this.pending.set(ip, count);
    else this.pending.delete(ip);
  }
}
