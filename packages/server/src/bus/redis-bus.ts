/**
 * Redis Bus for several server nodes, over one Redis pub/sub channel. A publish reaches this node's
 * subscribers at once and goes into the BusOutbox for the others; the outbox sends it when Redis
 * takes it, so no write ever waits for Redis. Each payload carries this bus's id, and a node drops
 * the echo of its own messages (it delivered them already). Redis keeps one connection's messages
 * in order, so a node's publishes reach every node in publish order.
 * Outage: both connections reconnect every ≤ 500 ms (retryStrategy); commands are never parked in
 * ioredis's offline queue (the outbox is the queue). When both are back and the channel is
 * subscribed again, `onRestored` listeners run at once (they re-read from the store what this node
 * may have missed), and the queue is sent after `restoreGraceMs`, so that nodes reconnecting a
 * little later are subscribed again (pub/sub keeps nothing for an absent subscriber; what a node
 * still misses is a conversation event, read back from the store, or a kind whose cache its
 * restore listeners drop). `connect` resolves even while Redis is down (the node starts degraded).
 * Invariants: a malformed payload on the channel is dropped, never thrown into a subscriber;
 * a faulty subscriber does not stop delivery to the others.
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { type Bus, type BusHandler, type BusMessage, type BusStatus, whileDown } from './bus.js';
import { BusOutbox } from './bus-outbox.js';

export interface RedisBusOptions {
  url: string;
  /** The pub/sub channel; deployments sharing one Redis use different channels. */
  channel: string;
  log?: Logger | undefined;
  /** Most text queued for other nodes while Redis is down (default 64 MiB); the oldest is dropped past it. */
  maxQueuedBytes?: number | undefined;
  /** Longest wait between reconnection attempts (default 500 ms). */
  maxRetryDelayMs?: number | undefined;
  /**
   * After an outage, how long the queue waits before it is sent (default 500 ms): pub/sub keeps
   * nothing for a node that has not resubscribed yet, so the other nodes get this long to come back.
   */
  restoreGraceMs?: number | undefined;
}

export class RedisBus implements Bus {
  readonly kind = 'redis';
  /** Tells this bus's own payloads from other nodes' on the shared channel. */
  private readonly id = randomUUID();
  private readonly prefix = `${this.id} `;
  private readonly handlers = new Set<BusHandler>();
  private readonly restoredListeners = new Set<() => void>();
  private readonly outbox: BusOutbox;
  private closed = false;
  /** True once both connections are ready and the channel is subscribed. */
  private up = false;
  /** Set when an outage began after the bus had been up (or it started down): restore listeners run on return. */
  private missed = false;
  private lastError: string | undefined;
  /** While down: re-checks the connections every 250 ms, in case a 'ready' came while a check was failing. */
  private watchdog: NodeJS.Timeout | undefined;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly log: Logger | undefined,
    maxQueuedBytes: number,
    private readonly restoreGraceMs: number,
  ) {
    this.outbox = new BusOutbox({
      maxBytes: maxQueuedBytes,
      send: (batch) => this.send(batch),
      onError: (error) => {
        this.lastError = (error as Error).message;
        this.markDown();
      },
    });
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.receive(text);
    });
    for (const connection of [publisher, subscriber]) {
      connection.on('error', (error: Error) => {
        this.lastError = error.message;
        this.log?.warn({ err: error }, 'redis bus connection error');
      });
      connection.on('close', () => this.markDown());
      connection.on('ready', () => void this.checkUp());
    }
  }

  /**
   * Start connecting both connections. Resolves once both are up, or after `startTimeoutMs` with the
   * bus degraded (Redis down): the node serves its own clients and joins the cluster when Redis returns.
   */
  static async connect(options: RedisBusOptions & { startTimeoutMs?: number }): Promise<RedisBus> {
    const cap = options.maxRetryDelayMs ?? 500;
    const redisOptions: RedisOptions = {
      lazyConnect: true,
      // The outbox queues and retries; a command must fail at once rather than wait in ioredis.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      retryStrategy: (attempt: number) => Math.min(attempt * 100, cap),
    };
    const publisher = new Redis(options.url, redisOptions);
    const subscriber = publisher.duplicate();
    const bus = new RedisBus(
      publisher,
      subscriber,
      options.channel,
      options.log,
      options.maxQueuedBytes ?? 64 * 1024 * 1024,
      options.restoreGraceMs ?? 500,
    );
    bus.missed = false;
    // connect() rejects on the first failure, but ioredis keeps retrying under retryStrategy.
    for (const connection of [publisher, subscriber]) connection.connect().catch(() => undefined);
    await bus.waitUp(options.startTimeoutMs ?? 2000);
    if (!bus.up) {
      bus.markDown();
      bus.missed = true;
      options.log?.warn({ err: bus.lastError }, 'redis bus unavailable at start; serving local clients until it returns');
    }
    return bus;
  }

  async publish(message: BusMessage): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    const text = JSON.stringify(message);
    this.deliver(message);
    if (!this.up && whileDown(message) === 'drop') this.outbox.countDropped();
    else this.outbox.push(this.prefix + text);
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  onRestored(listener: () => void): () => void {
    this.restoredListeners.add(listener);
    return () => this.restoredListeners.delete(listener);
  }

  status(): BusStatus {
    return {
      state: this.up ? 'ok' : 'degraded',
      queued: this.outbox.length,
      dropped: this.outbox.dropped,
      error: this.up ? undefined : (this.lastError ?? 'redis is not connected'),
    };
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    if (!this.up) throw new Error(this.lastError ?? 'redis is not connected');
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Hand what is queued to Redis first (bounded: a down Redis does not hold shutdown up).
    await Promise.race([this.outbox.drain(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    this.closed = true;
    clearInterval(this.watchdog);
    this.handlers.clear();
    this.restoredListeners.clear();
    this.outbox.pause();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }

  private async send(batch: readonly string[]): Promise<void> {
    if (batch.length === 1) {
      await this.publisher.publish(this.channel, batch[0] as string);
      return;
    }
    const pipeline = this.publisher.pipeline();
    for (const text of batch) pipeline.publish(this.channel, text);
    const results = (await pipeline.exec()) ?? [];
    for (const [error] of results) if (error) throw error;
  }

  private waitUp(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, timeoutMs);
      const poll = setInterval(() => this.up && finish(), 20);
      function finish(): void {
        clearTimeout(timer);
        clearInterval(poll);
        resolve();
      }
    });
  }

  private markDown(): void {
    if (this.closed) return;
    if (this.up) this.log?.warn({ err: this.lastError }, 'redis bus down; queueing messages for other nodes');
    if (this.up) this.missed = true;
    this.up = false;
    this.outbox.pause();
    this.watchdog ??= setInterval(() => void this.checkUp(), 250);
    this.watchdog.unref();
  }

  /** Both connections ready: subscribe (again), then open the outbox and tell restore listeners. */
  private async checkUp(): Promise<void> {
    if (this.closed || this.up) return;
    if (this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return;
    try {
      // Confirmed before anything is re-read: whatever is published from here on reaches this node.
      await this.subscriber.subscribe(this.channel);
    } catch (error) {
      this.lastError = (error as Error).message;
      return; // a new 'ready' follows the reconnection
    }
    if (this.closed || this.up || this.publisher.status !== 'ready' || this.subscriber.status !== 'ready') return;
    this.up = true;
    this.lastError = undefined;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
    if (!this.missed) {
      this.outbox.resume();
      return;
    }
    this.missed = false;
    setTimeout(() => this.up && !this.closed && this.outbox.resume(), this.restoreGraceMs).unref();
    this.log?.info({ queued: this.outbox.length }, 'redis bus restored');
    for (const listener of this.restoredListeners) {
      try {
        listener();
      } catch (error) {
        this.log?.error({ err: error }, 'bus restore listener failed');
      }
    }
  }

  private receive(payload: string): void {
    const space = payload.indexOf(' ');
    if (space <= 0) {
      this.log?.warn('dropped a malformed bus message');
      return;
    }
    if (payload.startsWith(this.prefix)) return; // our own echo: delivered locally at publish
    let message: BusMessage;
    try {
      message = JSON.parse(payload.slice(space + 1)) as BusMessage;
    } catch {
      this.log?.warn('dropped a malformed bus message');
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    this.deliver(message);
  }

  private deliver(message: BusMessage): void {
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch (error) {
        this.log?.error({ err: error }, 'bus subscriber failed');
      }
    }
  }
}
