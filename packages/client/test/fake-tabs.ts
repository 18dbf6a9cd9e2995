/**
 * Fakes of the browser's tab APIs for unit tests of the shared connection (the integration runs
 * in real Chromium): a BroadcastChannel network that delivers each message asynchronously to every
 * other channel of the same name, in order, and a LockManager with queued requests, `steal` and
 * abort signals, whose holders a test can "crash" (release without their code running).
 */
import type { BroadcastChannelLike, LockManagerLike } from '@herald/client/shared';

export class FakeBroadcastNetwork {
  private readonly channels = new Set<FakeChannel>();
  /** Every message posted, in order (what went over the channel). */
  readonly log: unknown[] = [];

  /** A BroadcastChannel constructor on this network. */
  readonly Channel = ((network: FakeBroadcastNetwork) =>
    class implements BroadcastChannelLike {
      onmessage: ((event: { data: unknown }) => void) | null = null;
      private readonly self: FakeChannel;
      constructor(readonly name: string) {
        this.self = { name, receive: (data) => this.onmessage?.({ data: structuredClone(data) }) };
        network.channels.add(this.self);
      }
      postMessage(message: unknown): void {
        if (!network.channels.has(this.self)) return;
        network.log.push(message);
        for (const channel of network.channels) {
          if (channel !== this.self && channel.name === this.name)
            queueMicrotask(() => network.channels.has(channel) && channel.receive(message));
        }
      }
      close(): void {
        network.channels.delete(this.self);
      }
    })(this);
}

interface FakeChannel {
  name: string;
  receive(data: unknown): void;
}

interface Request {
  name: string;
  callback: () => Promise<void>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  owner: string;
}

export class FakeLocks {
  private readonly held = new Map<string, Request>();
  private readonly queue: Request[] = [];

  /** The LockManager one tab sees; `owner` names the tab in `holder()` and `crash()`. */
  for(owner: string): LockManagerLike {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          const request: Request = { name, callback, resolve, reject, owner };
          if (options.signal?.aborted) return reject(new Error('AbortError'));
          options.signal?.addEventListener('abort', () => {
            const index = this.queue.indexOf(request);
            if (index >= 0) {
              this.queue.splice(index, 1);
              reject(new Error('AbortError'));
            }
          });
          if (options.steal) {
            const current = this.held.get(name);
            if (current) {
              this.held.delete(name);
              current.reject(new Error('AbortError: stolen'));
            }
            this.grant(request);
          } else {
            this.queue.push(request);
            this.next(name);
          }
        }),
    };
  }

  holder(name: string): string | null {
    return this.held.get(name)?.owner ?? null;
  }

  /** The tab `owner` is gone: its lock is released and its queued requests dropped. */
  crash(owner: string): void {
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]?.owner === owner) this.queue.splice(i, 1);
    for (const [name, request] of this.held) {
      if (request.owner !== owner) continue;
      this.held.delete(name);
      this.next(name);
    }
  }

  private next(name: string): void {
    if (this.held.has(name)) return;
    const index = this.queue.findIndex((request) => request.name === name);
    if (index < 0) return;
    const [request] = this.queue.splice(index, 1);
    if (request) this.grant(request);
  }

  private grant(request: Request): void {
    this.held.set(request.name, request);
    queueMicrotask(() => {
      request.callback().then(
        (value) => {
          if (this.held.get(request.name) === request) {
            this.held.delete(request.name);
            this.next(request.name);
          }
          request.resolve(value);
        },
        (error) => request.reject(error),
      );
    });
  }
}

/** Let queued microtasks (channel deliveries, lock grants) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}
