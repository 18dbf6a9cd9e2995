/**
 * TestSocket: a real `ws` client speaking the Herald protocol, recording every frame it gets,
 * with waits that resolve on an event (never on a sleep) and reject after a timeout.
 */
import { randomUUID } from 'node:crypto';
import { type ClientFrame, type DeviceType, decodeServerFrame, type ServerFrame, type ServerFrameOf } from '@herald/protocol';
import WebSocket from 'ws';

export interface Closed {
  code: number;
  reason: string;
}

type Waiter = { test: (frame: ServerFrame) => boolean; resolve: (frame: ServerFrame) => void; reject: (error: Error) => void };

export class TestSocket {
  readonly frames: ServerFrame[] = [];
  /** Frames the codec rejected (a server bug if ever non-empty). */
  readonly invalid: string[] = [];
  readonly closed: Promise<Closed>;
  private readonly waiters = new Set<Waiter>();
  private readonly opened: Promise<void>;

  constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', (code, reason) => {
        // Nothing more can arrive: fail every pending wait now rather than at its timeout.
        for (const waiter of this.waiters) waiter.reject(new Error(`socket closed (${code}) while waiting for a frame`));
        this.waiters.clear();
        resolve({ code, reason: reason.toString() });
      }),
    );
    this.opened = new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`unexpected HTTP ${res.statusCode}`)));
    });
    ws.on('error', () => undefined);
    ws.on('message', (data) => {
      const decoded = decodeServerFrame(data as Buffer);
      if (!decoded.ok) {
        this.invalid.push(String(data));
        return;
      }
      this.frames.push(decoded.frame);
      for (const waiter of this.waiters) {
        if (waiter.test(decoded.frame)) {
          this.waiters.delete(waiter);
          waiter.resolve(decoded.frame);
        }
      }
    });
  }

  static async open(url: string, options: { origin?: string } = {}): Promise<TestSocket> {
    const socket = new TestSocket(new WebSocket(url, options.origin ? { origin: options.origin } : {}));
    await socket.opened;
    return socket;
  }

  /** Open and authenticate; resolves with the `connected` frame. */
  static async connect(url: string, token: string, deviceType: DeviceType = 'desktop'): Promise<TestSocket> {
    const socket = await TestSocket.open(url);
    await socket.authenticate(token, deviceType);
    return socket;
  }

  async authenticate(token: string, deviceType: DeviceType = 'desktop'): Promise<ServerFrameOf<'connected'>> {
    const id = this.sendFrame({ action: 'authenticate', type: 'control', data: { token, device: { deviceType, deviceId: randomUUID() } } });
    const reply = await this.waitFor((f) => f.action === 'connected' || (f.action === 'error' && f.data.ref === id));
    if (reply.action !== 'connected') throw new Error(`authenticate failed: ${JSON.stringify(reply.data)}`);
    return reply;
  }

  /** Send a client frame (id and timestamp filled in unless given); returns its id. */
  sendFrame(frame: Omit<ClientFrame, 'id' | 'timestamp'> & { id?: string }): string {
    const id = frame.id ?? randomUUID();
    this.ws.send(JSON.stringify({ ...frame, id, timestamp: Date.now() }));
    return id;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Send a request and wait for its ack (resolves with `result`) or error (rejects with the error data). */
  async request(frame: Omit<ClientFrame, 'id' | 'timestamp'> & { id?: string }, timeoutMs = 5000): Promise<unknown> {
    const id = frame.id ?? randomUUID();
    // Wait only for replies after this send: a repeated id must not match an earlier reply.
    const reply = this.waitForNext((f) => (f.action === 'ack' || f.action === 'error') && f.data.ref === id, timeoutMs);
    this.sendFrame({ ...frame, id });
    return TestSocket.resultOf(await reply);
  }

  private static resultOf(reply: ServerFrame): unknown {
    if (reply.action === 'error') throw Object.assign(new Error(reply.data.message), { data: reply.data });
    return (reply as ServerFrameOf<'ack'>).data.result;
  }

  /** The first frame (already received or future) that matches. */
  waitFor(test: (frame: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return this.waitForNext(test, timeoutMs);
  }

  /** The next future frame that matches. */
  waitForNext(test: (frame: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        test,
        resolve: (frame) => {
          clearTimeout(timer);
          resolve(frame);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for a frame; last frames: ${JSON.stringify(this.frames.slice(-3))}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Resolves when `count` frames match (counting ones already received). */
  async waitForCount(test: (frame: ServerFrame) => boolean, count: number, timeoutMs = 10_000): Promise<ServerFrame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.frames.filter(test);
      if (matching.length >= count) return matching;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out: ${matching.length}/${count} frames`);
      await this.waitForNext(test, left).catch(() => undefined);
    }
  }

  /** `new_message` frames of one conversation, in arrival order. */
  messages(conversationId: string): ServerFrameOf<'new_message'>[] {
    return this.frames.filter(
      (f): f is ServerFrameOf<'new_message'> => f.action === 'new_message' && f.data.conversationId === conversationId,
    );
  }

  close(): Promise<Closed> {
    this.ws.close();
    return this.closed;
  }
}
