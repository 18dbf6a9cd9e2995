/**
 * Heartbeat: detects a dead connection (including half-open TCP, where no close ever arrives).
 * Every `intervalMs` it sends a heartbeat frame and waits `timeoutMs` for any frame from the server.
 * Invariants:
 * - Liveness is judged when the deadline timer actually fires, by whether any frame arrived since the
 *   probe went out, and by how late the timer is: a timer that a background tab throttled, or a
 *   frozen page, is never taken for a dead server. A deadline that fires more than twice its delay
 *   late re-probes once (letting queued socket events run first) before it judges.
 * - One timer at a time: either the next tick or the reply deadline.
 * - `probe(deadlineMs)` (a request timed out, a send waits for its ack: the socket is suspect) asks
 *   at once with a short deadline; a probe already out has its deadline brought forward, never pushed back.
 */
import type { TimerHandle, Timers } from './environment.js';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
}

export class Heartbeat {
  #timer: TimerHandle | undefined;
  /** Frames seen so far; a probe is answered when this moves past its value at send time. */
  #framesSeen = 0;
  /** `framesSeen` when the unanswered probe was first sent; null when none is outstanding. */
  #probeMark: number | null = null;
  #reprobed = false;
  /** When the last probe cycle began (the next one is due `intervalMs` after it). */
  #cycleStart = 0;
  #options: HeartbeatOptions | null = null;
  /** When the unanswered probe is judged (ms), or null. */
  #deadlineAt: number | null = null;

  readonly #timers: Timers;
  readonly #sendHeartbeat: () => void;
  readonly #onDead: () => void;
  constructor(timers: Timers, sendHeartbeat: () => void, onDead: () => void) {
    this.#timers = timers;
    this.#sendHeartbeat = sendHeartbeat;
    this.#onDead = onDead;
  }

  /** Start the cycle on a freshly connected socket. */
  start(options: HeartbeatOptions): void {
    this.stop();
    this.#options = options;
    this.#arm(options.intervalMs, () => this.probe());
  }

  stop(): void {
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#probeMark = null;
    this.#deadlineAt = null;
    this.#reprobed = false;
    this.#options = null;
  }

  /** Any frame from the server proves the connection alive. */
  frameReceived(): void {
    this.#framesSeen++;
  }

  /** True while a probe waits for its reply. */
  get probing(): boolean {
    return this.#probeMark !== null;
  }

  /**
   * Send a heartbeat now and judge by its reply within `deadlineMs` (default the timeout): the
   * page became visible, or a request suggests the socket may be dead.
   */
  probe(deadlineMs?: number): void {
    const options = this.#options;
    if (!options) return;
    const deadline = Math.min(deadlineMs ?? options.timeoutMs, options.timeoutMs);
    if (this.#probeMark !== null) {
      // Already asking: judge no later than the new deadline.
      if (this.#deadlineAt !== null && this.#timers.now() + deadline < this.#deadlineAt) {
        const dueAt = this.#timers.now() + deadline;
        this.#arm(deadline, () => this.#judge(dueAt, deadline), dueAt);
      }
      return;
    }
    this.#probeMark = this.#framesSeen;
    this.#cycleStart = this.#timers.now();
    this.#reprobed = false;
    this.#send(deadline);
  }

  #send(deadline: number): void {
    if (!this.#options) return;
    const dueAt = this.#timers.now() + deadline;
    this.#sendHeartbeat();
    this.#arm(deadline, () => this.#judge(dueAt, deadline), dueAt);
  }

  #judge(dueAt: number, deadline: number): void {
    const options = this.#options;
    const mark = this.#probeMark;
    if (!options || mark === null) return;
    if (this.#framesSeen > mark) {
      this.#probeMark = null;
      this.#deadlineAt = null;
      const elapsed = this.#timers.now() - this.#cycleStart;
      this.#arm(Math.max(0, options.intervalMs - elapsed), () => this.probe());
      return;
    }
    // Fired more than its own length after it was due (twice its delay): throttled or frozen.
    const late = this.#timers.now() - dueAt > deadline;
    if (late && !this.#reprobed) {
      // The timer fired far too late: this tab was throttled or frozen, and the reply may be
      // queued behind us. Ask again and judge on the next deadline.
      this.#reprobed = true;
      this.#send(deadline);
      return;
    }
    this.stop();
    this.#onDead();
  }

  #arm(ms: number, run: () => void, deadlineAt: number | null = null): void {
    this.#deadlineAt = deadlineAt;
    if (this.#timer !== undefined) this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => {
      this.#timer = undefined;
      run();
    }, ms);
  }
}
