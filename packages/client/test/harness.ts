/**
 * Integration harness: a real server (testkit), a real TCP proxy in front of it, REST for setup, and
 * Node clients using `ws` — with fast reconnect/heartbeat settings so failure tests stay quick.
 * Every wait is on an event, with a timeout; none is a sleep.
 */
import { createClient, type HeraldClient, type HeraldClientOptions } from '@herald/client';
import type { HeraldError, ServerFrameOf } from '@herald/protocol';
import { ApiClient, startTcpProxy, startTestServer, type TcpProxy, type TestServer } from '@herald/testkit';
import WebSocket from 'ws';

export interface Harness {
  server: TestServer;
  proxy: TcpProxy;
  api: ApiClient;
  /** Restart the server on the same port and data (the proxy keeps pointing at it). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  // Every client of every test comes from 127.0.0.1, and some connect hundreds of times a minute.
  let server = await startTestServer({
    env: { HERALD_RATE_PER_SECOND: '10000', HERALD_RATE_BURST: '10000', HERALD_IP_HANDSHAKES_PER_MINUTE: '100000', ...env },
  });
  const proxy = await startTcpProxy({ port: server.port });
  const harness: Harness = {
    server,
    proxy,
    api: new ApiClient(server.url),
    async restart() {
      server = await server.restart();
      harness.server = server;
    },
    async close() {
      await proxy.close();
      await server.destroy();
    },
  };
  return harness;
}

export interface TestClient {
  client: HeraldClient;
  errors: HeraldError[];
}

/** A Node client with `ws` and fast timings; extra options override. */
export function nodeClient(url: string, token: string | (() => string), options: Partial<HeraldClientOptions> = {}): TestClient {
  const errors: HeraldError[] = [];
  const client = createClient({
    url,
    credentials: () => (typeof token === 'string' ? token : token()),
    device: { deviceType: 'desktop', deviceId: `node-${Math.random().toString(36).slice(2)}` },
    WebSocket,
    reconnect: { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 1000 },
    heartbeatTimeoutMs: 1000,
    connectTimeoutMs: 2000,
    requestTimeoutMs: 5000,
    gapTimeoutMs: 200,
    onError: (error) => errors.push(error),
    ...options,
  });
  return { client, errors };
}

export { waitForState } from '@herald/client';

/** Records every `new_message` a client's handlers get, with waits on counts. */
export class Inbox {
  readonly frames: ServerFrameOf<'new_message'>[] = [];
  private readonly waiters = new Set<() => void>();
  readonly stop: () => void;

  constructor(client: HeraldClient, conversationId?: string) {
    this.stop = client.on('new_message', (frame) => {
      if (conversationId && frame.data.conversationId !== conversationId) return;
      this.frames.push(frame);
      for (const wake of [...this.waiters]) wake();
    });
  }

  get seqs(): number[] {
    return this.frames.map((f) => f.data.seq);
  }

  get texts(): string[] {
    return this.frames.map((f) => f.data.text);
  }

  /** Resolves once `count` messages arrived. */
  waitForCount(count: number, timeoutMs = 10_000): Promise<void> {
    if (this.frames.length >= count) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`timed out: ${this.frames.length}/${count} messages; last seqs ${this.seqs.slice(-5).join(',')}`));
      }, timeoutMs);
      const check = () => {
        if (this.frames.length < count) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }
}

/** 1..n */
export const range = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from);
