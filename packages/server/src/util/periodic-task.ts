/**
 * PeriodicTask: runs an async job every `intervalMs` (the sweeps of uploads, error reports and
 * messages), for as long as the server runs.
 * Invariants: runs never overlap (the next one is scheduled when the last has finished); a failed
 * run is reported and the next one still comes; the timer never keeps the process alive; `stop`
 * resolves once no run is in progress and none will start.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly job: () => Promise<unknown>,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** First run after `firstDelayMs` (default one interval), then every interval. */
  start(firstDelayMs = this.intervalMs): this {
    this.schedule(firstDelayMs);
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.job()
        .then(
          () => undefined,
          (error: unknown) => this.onError(error),
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
    this.timer.unref();
  }
}

/** The sweep interval for something kept `ttlMs`: a quarter of it, between 250 ms and 10 minutes. */
export function sweepIntervalFor(ttlMs: number): number {
  return Math.min(Math.max(Math.floor(ttlMs / 4), 250), 10 * 60_000);
}
