/**
 * Redis Bus for several server nodes: every message goes to one Redis pub/sub channel, and each
 * node (itself included) receives it from Redis. Redis keeps one publisher connection's messages in
 * order, so a node's publishes reach every node in publish order.
 * Invariants: a malformed payload on the channel is dropped, never thrown into a subscriber;
 * a faulty subscriber does not stop delivery to the others.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Bus, BusHandler, BusMessage } from './bus.js';

export interface RedisBusOptions {
  url: string;
  /** The pub/sub channel; deployments sharing one Redis use different channels. */
  channel: string;
  log?: Logger | undefined;
}

export class RedisBus implements Bus {
  readonly kind = 'redis';
  private readonly handlers = new Set<BusHandler>();
  private closed = false;

  private constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly log: Logger | undefined,
  ) {
    subscriber.on('message', (channel: string, text: string) => {
      if (channel === this.channel) this.deliver(text);
    });
    for (const connection of [publisher, subscriber]) {
      connection.on('error', (error: Error) => this.log?.warn({ err: error }, 'redis bus connection error'));
    }
  }

  /** Connect both connections and subscribe; rejects if Redis cannot be reached. */
  static async connect(options: RedisBusOptions): Promise<RedisBus> {
    const publisher = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 3 });
    const subscriber = publisher.duplicate();
    try {
      await Promise.all([publisher.connect(), subscriber.connect()]);
      await subscriber.subscribe(options.channel);
    } catch (error) {
      publisher.disconnect();
      subscriber.disconnect();
      throw error;
    }
    return new RedisBus(publisher, subscriber, options.channel, options.log);
  }

  async publish(message: BusMessage): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    await this.publisher.publish(this.channel, JSON.stringify(message));
  }

  subscribe(handler: BusHandler): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('bus is closed');
    await this.publisher.ping();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.handlers.clear();
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }

  private deliver(text: string): void {
    let message: BusMessage;
    try {
      message = JSON.parse(text) as BusMessage;
    } catch {
      this.log?.warn('dropped a malformed bus message');
      return;
    }
    if (typeof message !== 'object' || message === null || typeof message.type !== 'string') return;
    for (const handler of this.handlers) {
      try {
        handler(message);
      } catch (error) {
        this.log?.error({ err: error }, 'bus subscriber failed');
      }
    }
  }
}
