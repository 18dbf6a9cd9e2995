/**
 * LimitRedis: the Redis connection a cluster-wide limit counts in (the limit counters, the socket
 * leases), set up so a limit never waits on Redis: no offline queue, a short command timeout, and a
 * caller that falls back to counting on this node when a command fails.
 * Invariants: until Redis was first ready (the node is starting) `started` waits for it up to the
 * timeout; after that it never waits (an outage falls back at once); an outage is logged once, and
 * again only after Redis has answered in between.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export class LimitRedis {
  readonly client: Redis;
  private readonly firstReady: Promise<void>;
  private warned = false;

  constructor(
    url: string,
    private readonly timeoutMs: number,
    private readonly log: Logger | undefined,
    /** What the log line says is degraded, e.g. "limits count per node until Redis answers". */
    private readonly degradedMessage: string,
  ) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: timeoutMs,
      retryStrategy: (times) => Math.min(times * 100, 500),
    });
    // Failures surface through the commands (and the caller's fallback); without a listener ioredis logs each one.
    this.client.on('error', () => {});
    this.firstReady = new Promise((resolve) => this.client.once('ready', () => resolve()));
  }

  /** Resolves once Redis can take commands, or after the timeout; at once after the first ready. */
  async started(): Promise<void> {
    if (this.client.status === 'ready') return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.timeoutMs);
    });
    await Promise.race([this.firstReady, timeout]);
    clearTimeout(timer);
  }

  /** Redis answered: the next failure is logged again. */
  answered(): void {
    this.warned = false;
  }

  /** A command failed: the caller counts on this node; logged once per outage. */
  degraded(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    this.log?.warn({ err: error }, this.degradedMessage);
  }
}
