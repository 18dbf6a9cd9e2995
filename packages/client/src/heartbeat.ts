/**
 * Heartbeat: detects a dead connection (including half-open TCP, where no close ever arrives).
 * Every `intervalMs` it sends a heartbeat frame and waits `timeoutMs` for any frame from the server.
 * Invariants:
 * - Liveness is judged when the deadline timer actually fires, by whether any frame arrived since the
 *   probe went out, and by how late the timer is: a timer that a background tab throttled, or a
 *   frozen page, is never taken for a dead server. A deadline that fires more than twice its delay
 *   late re-probes once (letting queued socket events run first) before it judges.
 * - One timer at a time: either the next tick or the reply deadline.
 */
import type { TimerHandle, Timers } from './environment.js';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
}

export class Heartbeat {
  private timer: TimerHandle | undefined;
  /** Frames seen so far; a probe is answered when this moves past its value at send time. */
  private framesSeen = 0;
  /** `framesSeen` when the unanswered probe was first sent; null when none is outstanding. */
  private probeMark: number | null = null;
  private reprobed = false;
  /** When the last probe cycle began (the next one is due `intervalMs` after it). */
  private cycleStart = 0;
  private options: HeartbeatOptions | null = null;

  constructor(
    private readonly timers: Timers,
    private readonly sendHeartbeat: () => void,
    private readonly onDead: () => void,
  ) {}

  /** Start the cycle on a freshly connected socket. */
  start(options: HeartbeatOptions): void {
    this.stop();
    this.options = options;
    this.arm(options.intervalMs, () => this.probe());
  }

  stop(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.probeMark = null;
    this.reprobed = false;
    this.options = null;
  }

  /** Any frame from the server proves the connection alive. */
  frameReceived(): void {
    this.framesSeen++;
  }

  /** Send a heartbeat now and judge by its reply (also used when the page becomes visible). */
  probe(): void {
    if (!this.options || this.probeMark !== null) return;
    this.probeMark = this.framesSeen;
    this.cycleStart = this.timers.now();
    this.reprobed = false;
    this.send();
  }

  private send(): void {
    const options = this.options;
    if (!options) return;
    const sentAt = this.timers.now();
    this.sendHeartbeat();
    this.arm(options.timeoutMs, () => this.judge(sentAt));
  }

  private judge(sentAt: number): void {
    const options = this.options;
    const mark = this.probeMark;
    if (!options || mark === null) return;
    if (this.framesSeen > mark) {
      this.probeMark = null;
      const elapsed = this.timers.now() - this.cycleStart;
      this.arm(Math.max(0, options.intervalMs - elapsed), () => this.probe());
      return;
    }
    const late = this.timers.now() - sentAt > options.timeoutMs * 2;
    if (late && !this.reprobed) {
      // The timer fired far too late: this tab was throttled or frozen, and the reply may be
      // queued behind us. Ask again and judge on the next deadline.
      this.reprobed = true;
      this.send();
      return;
    }
    this.stop();
    this.onDead();
  }

  private arm(ms: number, run: () => void): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      run();
    }, ms);
  }
}
