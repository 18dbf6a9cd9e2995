/**
 * LocalPushService: a Web Push service on 127.0.0.1 for tests. It hands out subscriptions whose
 * key pair and auth secret it generated itself (so it can decrypt what a server sends, RFC 8291
 * aes128gcm, with `http_ece`), records every push with its headers and decrypted payload, and
 * answers each subscription with scripted statuses (201 by default), or never (a hung service).
 * Invariant: a push that does not decrypt is recorded with `payload: undefined` and answered 400,
 * so a test asserting on payloads fails instead of passing on garbage.
 */
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error http_ece ships no types: decrypt(buffer, params) → Buffer.
import ece from 'http_ece';

export interface TestPushSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface ReceivedPush {
  subscriptionId: string;
  headers: Record<string, string | undefined>;
  /** The decrypted JSON (undefined when it did not decrypt). */
  payload: unknown;
  /** The decrypted body as text: what a browser would hand its service worker's `push` event. */
  text: string | undefined;
  /** The status this service answered. */
  status: number;
}

type Answer = number | 'hang';

interface Held {
  ecdh: ReturnType<typeof createECDH>;
  auth: Buffer;
  answers: Answer[];
}

export class LocalPushService {
  readonly received: ReceivedPush[] = [];
  private readonly subscriptions = new Map<string, Held>();
  private readonly waiters = new Set<() => void>();
  private readonly hung = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<LocalPushService> {
    let service: LocalPushService | undefined;
    const server = createServer((request, response) => service?.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    service = new LocalPushService(server, `http://127.0.0.1:${port}`);
    return service;
  }

  /** A new subscription (a device): its endpoint and the public half of its keys, as PushSubscription.toJSON() gives. */
  subscribe(): TestPushSubscription {
    const id = randomUUID();
    const ecdh = createECDH('prime256v1');
    ecdh.generateKeys();
    const auth = randomBytes(16);
    this.subscriptions.set(id, { ecdh, auth, answers: [] });
    return {
      id,
      endpoint: `${this.url}/push/${id}`,
      keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
    };
  }

  /** The next pushes to this subscription are answered with these, in order (then 201 again). */
  answer(subscriptionId: string, ...answers: Answer[]): void {
    this.held(subscriptionId).answers.push(...answers);
  }

  /** The pushes received for one subscription (or all). */
  pushesFor(subscriptionId?: string): ReceivedPush[] {
    return subscriptionId ? this.received.filter((p) => p.subscriptionId === subscriptionId) : [...this.received];
  }

  /** Resolves once `count` pushes match `test`; rejects after `timeoutMs`. */
  async waitFor(test: (push: ReceivedPush) => boolean, count = 1, timeoutMs = 10_000): Promise<ReceivedPush[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.received.filter(test);
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} pushes (have ${matching.length})`);
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }

  async close(): Promise<void> {
    for (const response of this.hung) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private held(id: string): Held {
    const held = this.subscriptions.get(id);
    if (!held) throw new Error(`no subscription ${id}`);
    return held;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const id = /^\/push\/([\w-]+)$/.exec(request.url ?? '')?.[1];
      const held = id ? this.subscriptions.get(id) : undefined;
      if (!id || !held || request.method !== 'POST') {
        response.writeHead(404).end();
        return;
      }
      const answer = held.answers.shift() ?? 201;
      let text: string | undefined;
      try {
        text = ece
          .decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: held.ecdh, authSecret: held.auth.toString('base64url') })
          .toString('utf8');
      } catch {
        text = undefined;
      }
      const status = answer === 'hang' ? 0 : text === undefined ? 400 : answer;
      const headers: Record<string, string | undefined> = {};
      for (const name of ['topic', 'ttl', 'urgency', 'authorization', 'content-encoding']) headers[name] = header(request, name);
      this.received.push({ subscriptionId: id, headers, payload: text === undefined ? undefined : JSON.parse(text), text, status });
      for (const wake of this.waiters) wake();
      if (answer === 'hang') {
        this.hung.add(response);
        return;
      }
      response.writeHead(status, status === 429 || status >= 500 ? { 'retry-after': '0' } : {}).end();
    });
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
