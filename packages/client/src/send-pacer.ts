/**
 * SendPacer: the client's copy of the server's per-connection token bucket (the `limits` that
 * `connected` advertises), so the outbox sends at the rate the server accepts instead of learning
 * it from `rate_limited` replies. Every frame the client sends spends a token (`spend`, which may
 * run the bucket into debt); only the outbox waits for one (`wait`).
 * Invariants: without limits (not connected yet, or pacing off) it never delays; it keeps
 * `HEADROOM` tokens in reserve, so frames bunched by the network on their way still fit the
 * server's bucket; a `rate_limited` reply empties it until the time the reply names (`blocked`),
 * which puts the client back in step with the server.
 */

/** The rate limits a server advertises in `connected.limits`. */
export interface RateLimits {
  ratePerSecond: number;
  burst: number;
}

/** Tokens left unused in the server's bucket: room for a heartbeat and for network jitter. */
const HEADROOM = 2;

export class SendPacer {
  #ratePerSecond = 0;
  #capacity = 0;
  #tokens = 0;
  #updatedAt = 0;

  readonly #now: () => number;
  readonly #enabled: boolean;
  constructor(now: () => number, enabled = true) {
    this.#now = now;
    this.#enabled = enabled;
  }

  /** A new connection: its bucket starts full on the server, less the `authenticate` frame it spent. */
  configure(limits: RateLimits | undefined): void {
    if (!this.#enabled || !limits || !(limits.ratePerSecond > 0)) {
      this.#ratePerSecond = 0;
      return;
    }
    this.#ratePerSecond = limits.ratePerSecond;
    this.#capacity = Math.max(1, limits.burst - HEADROOM);
    this.#tokens = Math.max(0, this.#capacity - 1);
    this.#updatedAt = this.#now();
  }

  /** A frame went out on the socket. */
  spend(): void {
    if (this.#ratePerSecond === 0) return;
    this.#refill();
    this.#tokens -= 1;
  }

  /** Milliseconds until a frame may go out without overrunning the server (0: now). */
  wait(): number {
    if (this.#ratePerSecond === 0) return 0;
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.#ratePerSecond) * 1000);
  }

  /** The server said `rate_limited`: its bucket is empty and holds a token again in `retryAfterMs`. */
  blocked(retryAfterMs: number): void {
    if (this.#ratePerSecond === 0) return;
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 1 - (retryAfterMs / 1000) * this.#ratePerSecond);
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#ratePerSecond);
    this.#updatedAt = now;
  }
}
