/**
 * LatencyHistogram: latencies in log buckets 1% wide (1 µs .. 100 s), so millions of samples
 * cost a few kilobytes and recording is one Math.log. Percentiles are upper bucket bounds
 * (at most 1% high); min and max are exact.
 */
const GROWTH = Math.log(1.01);
const BUCKETS = Math.ceil(Math.log(1e8) / GROWTH) + 2;

export class LatencyHistogram {
  counts = new Float64Array(BUCKETS);
  count = 0;
  max = 0;
  min = Number.POSITIVE_INFINITY;
  sum = 0;

  /** Record one latency in milliseconds. @param {number} ms */
  record(ms) {
    const us = ms * 1000;
    const index = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(us) / GROWTH));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
    if (ms < this.min) this.min = ms;
  }

  /** The latency (ms) at or below which `p` percent of samples fall; NaN when empty. @param {number} p */
  percentile(p) {
    if (this.count === 0) return Number.NaN;
    const rank = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(this.max, Math.exp(i * GROWTH) / 1000);
    }
    return this.max;
  }

  /** Plain numbers for reports: p50, p99, max and mean in ms. */
  summary() {
    return {
      samples: this.count,
      p50: round(this.percentile(50)),
      p99: round(this.percentile(99)),
      max: round(this.count ? this.max : Number.NaN),
      mean: round(this.count ? this.sum / this.count : Number.NaN),
    };
  }
}

/** @param {number} ms */
function round(ms) {
  return Number.isFinite(ms) ? Math.round(ms * 1000) / 1000 : null;
}
