/**
 * RateWindow: a small ring buffer of (time, counter value) samples, from which the rate over the
 * last second and the last minute are read. The caller samples (about once a second); the window
 * never allocates after construction.
 * Invariants: rates are never negative (a counter that went down — a reset — reads as 0); a
 * window longer than the history covered so far is averaged over the history there is.
 */

export interface Sample {
  at: number;
  value: number;
}

export class RateWindow {
  private readonly samples: Sample[];
  private next = 0;
  private count = 0;

  /** `capacity` samples are kept: enough for the longest window asked for, plus one. */
  constructor(private readonly capacity = 62) {
    this.samples = Array.from({ length: capacity }, () => ({ at: 0, value: 0 }));
  }

  record(at: number, value: number): void {
    const slot = this.samples[this.next]!;
    slot.at = at;
    slot.value = value;
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** Events per second over (about) the last `windowMs`, measured between two samples. */
  ratePerSecond(windowMs: number): number {
    if (this.count < 2) return 0;
    const latest = this.at(0);
    // The sample whose age is closest to the window (sampling jitter must not double the span).
    let base = this.at(1);
    for (let back = 2; back < this.count; back++) {
      const sample = this.at(back);
      if (Math.abs(latest.at - sample.at - windowMs) < Math.abs(latest.at - base.at - windowMs)) base = sample;
    }
    const seconds = (latest.at - base.at) / 1000;
    if (seconds <= 0) return 0;
    return Math.max(0, (latest.value - base.value) / seconds);
  }

  /** The sample `back` steps before the newest (0 = newest). */
  private at(back: number): Sample {
    return this.samples[(this.next - 1 - back + this.capacity * 2) % this.capacity]!;
  }
}
