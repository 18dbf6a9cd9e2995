/**
 * Liveness: one timer for every connection of the node, for the authentication deadline and for
 * dead peers. A connection heard from (any frame, or a pong) within the ping interval is alive by
 * that fact and is not pinged; a silent one is pinged, and dropped (4010) if it is still silent one
 * interval after the ping.
 * Invariants: no per-connection timers; a peer is never dropped without having been pinged and
 * given a full interval to answer; the pings due in one sweep go out at most `PING_SLICE` per
 * event-loop turn, with I/O in between. Connections that opened together (a deploy, a network
 * blip, a benchmark) stay in phase for as long as they live, and pinging thousands of them in one
 * turn held the event loop for tens of milliseconds at every interval.
 * The walk is paced like presence's (util/paced-walk.ts, the same PacedWalk): a pass over every connection takes one
 * `passMs` (at most half the ping interval, at most 1 s), done a share per `STEP_MS` timer call, so
 * one call's work is `connections × STEP_MS / passMs` checks, not every connection at once (50,000
 * idle connections: 2,500 checks per call instead of 50,000). Bounds: a connection is checked at
 * least every `passMs + STEP_MS`, so a silent peer is pinged at most that late (about half an
 * interval), and an unauthenticated socket is closed at most that long after its deadline.
 */
import { CloseCode } from '@herald/protocol';
import { PacedWalk } from '../util/paced-walk.js';

/** The part of a connection that liveness reads and acts on; the connection keeps its own marks. */
export interface LiveConnection {
  readonly state: 'authenticating' | 'ready' | 'closing' | 'closed';
  readonly openedAt: number;
  /** Set by whoever reads the socket on each frame or pong; cleared by `confirmAlive`. */
  readonly alive: boolean;
  /** When a sweep last found the peer alive (start: `openedAt`). */
  readonly heardAt: number;
  /** When the unanswered ping was decided (0: none; start: 0). */
  readonly pingSentAt: number;
  /** The sweep noticed `alive` at `now`: clear it, set `heardAt` to `now` and `pingSentAt` to 0. */
  confirmAlive(now: number): void;
  /** The sweep decided at `now` to ping: set `pingSentAt` to `now`. */
  pinged(now: number): void;
  close(code: number, reason: string): void;
  terminate(code: number): void;
  /** Send a WebSocket ping (a no-op when the socket is no longer open). */
  ping(): void;
}

export interface LivenessOptions<C extends LiveConnection> {
  authTimeoutMs: number;
  pingIntervalMs: number;
  /** Told of each peer dropped for not answering. */
  onDead?: (connection: C) => void;
}

/** Pings sent per event-loop turn: each is a system call, and a turn should stay well under a millisecond or two. */
export const PING_SLICE = 64;

/** How often the timer does a share of the walk. */
export const STEP_MS = 50;

export class Liveness<C extends LiveConnection> {
  private readonly timer: NodeJS.Timeout;
  /** Pings waiting for their slice (a sweep's wave, sent across turns from `next` on). */
  private queue: C[] = [];
  private next = 0;
  private sending = false;
  /** How long one pass over every connection takes. */
  readonly passMs: number;
  /** The paced pass (a live Set iterator: connections added meanwhile are checked in it, removed ones skipped). */
  private readonly walk: PacedWalk<C, C>;

  constructor(
    private readonly connections: ReadonlySet<C>,
    private readonly options: LivenessOptions<C>,
  ) {
    // Twice per interval at least: a silent peer is pinged at most about half an interval late.
    this.passMs = Math.max(STEP_MS, Math.min(1000, options.pingIntervalMs / 2, options.authTimeoutMs / 2));
    // The first pass starts at the first step (the clock is whatever `step` is given).
    this.walk = new PacedWalk(connections, this.passMs, STEP_MS, Number.NEGATIVE_INFINITY);
    this.timer = setInterval(() => this.step(Date.now()), STEP_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.queue = [];
    this.next = 0;
  }

  /** One whole pass over every connection at once (for tests; the timer does it a share at a time: `step`). */
  sweep(now: number): void {
    for (const connection of this.connections) this.check(connection, now);
    this.flushPings();
  }

  /** This call's share of the pass under way, or the start of the next pass when one is due (the timer calls it every STEP_MS). */
  step(now: number): void {
    this.walk.step(now, (connection) => this.check(connection, now));
    this.flushPings();
  }

  private check(connection: C, now: number): void {
    const { authTimeoutMs, pingIntervalMs } = this.options;
    if (connection.state === 'authenticating') {
      if (now - connection.openedAt > authTimeoutMs) connection.close(CloseCode.Unauthorized, 'authentication timeout');
      return;
    }
    if (connection.state !== 'ready') return;
    if (connection.alive) connection.confirmAlive(now);
    if (connection.pingSentAt !== 0) {
      if (now - connection.pingSentAt >= pingIntervalMs) {
        this.options.onDead?.(connection);
        connection.terminate(CloseCode.Timeout);
      }
      return;
    }
    if (now - connection.heardAt >= pingIntervalMs) {
      connection.pinged(now);
      this.queue.push(connection);
    }
  }

  private flushPings(): void {
    if (!this.sending && this.queue.length > 0) {
      this.sending = true;
      this.sendSlice();
    }
  }

  private sendSlice(): void {
    // An index, not splice: a wave of 100,000 would otherwise shift the array 1,500 times.
    const end = Math.min(this.queue.length, this.next + PING_SLICE);
    for (; this.next < end; this.next++) {
      const connection = this.queue[this.next];
      if (connection?.state === 'ready') connection.ping();
    }
    if (this.next >= this.queue.length) {
      this.queue = [];
      this.next = 0;
      this.sending = false;
      return;
    }
    setImmediate(() => this.sendSlice());
  }
}
