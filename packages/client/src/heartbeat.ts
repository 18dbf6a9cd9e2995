/**
 * Heartbeat: detects a dead connection (including half-open TCP, where no close ever arrives).
 * Every `intervalMs` it sends a heartbeat frame and waits `timeoutMs` for any frame from the server.
 * Invariants:
 * - Liveness is judged by when a frame last arrived, measured when the deadline timer actually fires,
 *   so a timer that a background tab throttled, or a frozen page, is never taken for a dead server:
 *   a deadline that fires late re-probes once (letting queued socket events run) before judging.
 * - One timer at a time: either the next tick or the reply deadline.
 */
import type { TimerHandle, Timers } from './environment.js';

export interface HeartbeatOptions {
  intervalMs: number;
  timeoutMs: number;
}

export class Heartbeat {
  private timer: TimerHandle | undefined;
  private lastFrameAt = 0;
  /** When the unanswered probe was first sent; null when none is outstanding. */
  private probeSentAt: number | null = null;
  private reprobed = false;
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
    this.lastFrameAt = this.timers.now();
    this.arm(options.intervalMs, () => this.probe());
  }

  stop(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.probeSentAt = null;
    this.reprobed = false;
    this.options = null;
  }

  /** Any frame from the server proves the connection alive. */
  frameReceived(): void {
    this.lastFrameAt = this.timers.now();
  }

  /** Send a heartbeat now and judge by its reply (also used when the page becomes visible). */
  probe(): void {
    if (!this.options || this.probeSentAt !== null) return;
    this.probeSentAt = this.timers.now();
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
    const firstSentAt = this.probeSentAt;
    if (!options || firstSentAt === null) return;
    if (this.lastFrameAt >= firstSentAt) {
      this.probeSentAt = null;
      this.arm(options.intervalMs, () => this.probe());
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
