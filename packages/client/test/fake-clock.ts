/**
 * FakeClock: an injectable `Timers` whose time moves only when a test says so.
 * `advance(ms)` fires due timers in order; `jump(ms)` moves time without firing anything, the way a
 * throttled background tab or a frozen page sees it (timers then fire late, on the next `advance`).
 */
import type { Timers } from '@herald/client';

interface Scheduled {
  at: number;
  run: () => void;
}

export class FakeClock implements Timers {
  private time = 1_700_000_000_000;
  private nextId = 1;
  private readonly scheduled = new Map<number, Scheduled>();

  now = (): number => this.time;

  setTimeout = (run: () => void, ms: number): number => {
    const id = this.nextId++;
    this.scheduled.set(id, { at: this.time + Math.max(0, ms), run });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.scheduled.delete(handle as number);
  };

  /** Timers waiting to fire. */
  get pending(): number {
    return this.scheduled.size;
  }

  /** Delays (from now) of the waiting timers, soonest first. */
  delays(): number[] {
    return [...this.scheduled.values()].map((s) => s.at - this.time).sort((a, b) => a - b);
  }

  /** Move time forward by `ms`, firing every timer that falls due, in order (including ones they schedule). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let nextId: number | undefined;
      let next: Scheduled | undefined;
      for (const [id, s] of this.scheduled) {
        if (s.at <= end && (!next || s.at < next.at)) {
          next = s;
          nextId = id;
        }
      }
      if (!next || nextId === undefined) break;
      this.scheduled.delete(nextId);
      this.time = Math.max(this.time, next.at);
      next.run();
    }
    this.time = end;
  }

  /** Like `advance`, letting promise callbacks run after each timer (for code with async steps). */
  async advanceAsync(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const due = [...this.scheduled.values()].filter((s) => s.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.advance(due.at - this.time);
    }
    this.time = end;
    await settle();
  }

  /** Fire the timers due now that existed before this call (one event-loop turn); returns how many ran. */
  runDue(): number {
    const due = [...this.scheduled.entries()].filter(([, s]) => s.at <= this.time).sort((a, b) => a[1].at - b[1].at);
    for (const [id, s] of due) {
      if (!this.scheduled.delete(id)) continue;
      s.run();
    }
    return due.length;
  }

  /** Move time without firing timers (a throttled or frozen tab). */
  jump(ms: number): void {
    this.time += ms;
  }
}

/** Let pending promise callbacks and I/O callbacks run (one macrotask turn). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A random source that replays `values` (then repeats the last). */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] ?? 0;
}
