/**
 * Connection: one WebSocket and everything the server knows about it (who, which device,
 * rate budget, what it was sent per conversation). Frame meaning lives in the socket actions
 * (action-registry.ts). Its state changes only through its own methods: `authenticated`,
 * `close`/`terminate`, `closed`, and the liveness marks `heard`, `confirmAlive`, `pinged`.
 * Invariants: state only moves forward (authenticating → ready → closing → closed, or straight to
 * closing); nothing is sent after close starts; a socket whose unsent buffer passes the cap
 * is closed as a slow consumer (the client resumes with `since`, so nothing is lost);
 * no per-connection timers (the gateway's sweep serves all connections); frames written in one
 * turn of the event loop leave in one system call (see `holdWrites`), in the order written.
 * (About 300 lines: one class on purpose, since an idle connection must stay one object with no
 * closures or helpers of its own; see gateway.ts on memory.)
 */
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { CloseCode, type Device, type ErrorCode, encodeFrame, type HeraldError, type ServerFrame, type User } from '@herald/protocol';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';
import type { ConversationEvent } from '../bus/bus.js';
import type { Metrics } from '../metrics.js';
import { TokenBucket } from '../util/token-bucket.js';
import { ConversationStream } from './conversation-stream.js';
import { serverFrameId } from './server-frame.js';
import { sendFramed, socketOf } from './ws-internals.js';

const NO_STREAMS: ReadonlyMap<string, ConversationStream> = new Map();

export interface ConnectionLimits {
  ratePerSecond: number;
  burst: number;
  sendBufferBytes: number;
  /** Protocol violations tolerated per 10 s before a 4008 close. */
  strikeBurst: number;
}

export type ConnectionState = 'authenticating' | 'ready' | 'closing' | 'closed';

/**
 * Connections whose socket is corked until the current turn's synchronous work and microtasks are
 * done. A MessageWriter batch publishes its messages one after another in one turn, and a sender's
 * ack follows its own echo: corking turns those N writes per socket into one `writev`, which is
 * most of what a delivery costs. A single frame per turn still costs one write, just a little later.
 */
const corked: Connection[] = [];
/** Held bytes that are written at once rather than at the end of the turn: a long catch-up must not
 * look like a slow consumer (the cap check counts held bytes) nor sit in memory for a whole turn. */
const HOLD_BYTES = 16 * 1024;

/** The chain's settle handler: drops whatever the task settled with. */
const settled = (): void => {};
/** Where every connection's chain starts: one settled promise for all, not one each. */
const idle: Promise<void> = Promise.resolve();

function uncorkAll(): void {
  for (const connection of corked.splice(0)) connection.releaseWrites();
}

export class Connection {
  readonly id = randomUUID();
  readonly openedAt = Date.now();
  // Plain fields behind getters (no per-connection objects): read anywhere, written only here.
  private current: ConnectionState = 'authenticating';
  private account: User | undefined;
  private deviceInUse: Device | undefined;
  private session: string | undefined;
  private credentialExpiry = 0;
  private heardSinceSweep = true;
  private lastHeardAt = this.openedAt;
  private pingAt = 0;
  private readonly rate: TokenBucket;
  // Made on first use: most connections never misbehave, and many idle ones never get a
  // conversation event; an idle connection's size is what a server with 10,000 of them pays.
  private strikes: TokenBucket | undefined;
  private streams: Map<string, ConversationStream> | undefined;
  /** Settles after the last task queued by `inOrder`; always with undefined (see there). */
  private sendChain: Promise<void> = idle;
  private corkedSocket: Socket | undefined;

  constructor(
    readonly socket: WebSocket,
    private readonly limits: ConnectionLimits,
    private readonly metrics: Metrics,
    readonly log: Logger,
  ) {
    this.rate = new TokenBucket(limits.ratePerSecond, limits.burst);
  }

  get state(): ConnectionState {
    return this.current;
  }

  /** The account, once authenticated. */
  get user(): User | undefined {
    return this.account;
  }

  get userId(): string | undefined {
    return this.account?.id;
  }

  /** The session its access token belongs to, once authenticated (revoking it closes this socket). */
  get sessionId(): string | undefined {
    return this.session;
  }

  /** When the access token it authenticated (or last re-authenticated) with expires (ms epoch; 0 before). */
  get credentialExpiresAt(): number {
    return this.credentialExpiry;
  }

  /** The device it said it is, once authenticated. */
  get device(): Device | undefined {
    return this.deviceInUse;
  }

  /** Something (a frame or a pong) arrived since the last liveness sweep noticed. */
  get alive(): boolean {
    return this.heardSinceSweep;
  }

  /** When a liveness sweep last found the peer alive (`openedAt` until then). */
  get heardAt(): number {
    return this.lastHeardAt;
  }

  /** When the unanswered ping was decided (0: none outstanding). */
  get pingSentAt(): number {
    return this.pingAt;
  }

  /** The token checked out: it is `user`'s, on `device`. False (nothing changed) when no longer authenticating (e.g. closed meanwhile). */
  authenticated(user: User, device: Device, credential: { sessionId: string; expiresAt: number }): boolean {
    if (this.current !== 'authenticating') return false;
    this.account = user;
    this.deviceInUse = device;
    this.session = credential.sessionId;
    this.credentialExpiry = credential.expiresAt;
    this.current = 'ready';
    return true;
  }

  /** A fresh token of the same user replaced the credential (`reauthenticate`); false unless ready. */
  renewed(credential: { sessionId: string; expiresAt: number }): boolean {
    if (this.current !== 'ready') return false;
    this.session = credential.sessionId;
    this.credentialExpiry = credential.expiresAt;
    return true;
  }

  /** The account changed (role, name) while the socket is open: later checks read the new one. */
  accountChanged(user: User): void {
    if (this.account?.id === user.id) this.account = user;
  }

  /** The socket has closed (its close event). */
  closed(): void {
    this.current = 'closed';
  }

  /** A frame or a pong arrived: the peer is alive (liveness.ts reads it at its next sweep). */
  heard(): void {
    this.heardSinceSweep = true;
  }

  /** A liveness sweep noticed `alive` at `now`: that is when the peer was last heard, and any ping is answered. */
  confirmAlive(now: number): void {
    this.heardSinceSweep = false;
    this.lastHeardAt = now;
    this.pingAt = 0;
  }

  /** A liveness sweep decided to ping at `now` (the ping itself may leave a few turns later). */
  pinged(now: number): void {
    this.pingAt = now;
  }

  /** Take one frame's worth of rate budget; false when the client is over its rate. */
  takeRate(): boolean {
    return this.rate.take();
  }

  msUntilRate(): number {
    return this.rate.msUntilNext();
  }

  /** Count a protocol violation; closes with 4008 once they come faster than tolerated. */
  strike(reason: string): void {
    // A fresh bucket is full, as one made at connect time would be by now.
    this.strikes ??= new TokenBucket(this.limits.strikeBurst / 10, this.limits.strikeBurst);
    if (!this.strikes.take()) this.close(CloseCode.PolicyViolation, `too many bad frames (${reason})`);
  }

  send(frame: ServerFrame): boolean {
    return this.sendText(encodeFrame(frame));
  }

  /** Send pre-serialised text; false if the connection is closing or was just closed as a slow consumer. */
  sendText(text: string): boolean {
    if (!this.write(text)) return false;
    this.metrics.framesOut.inc();
    return true;
  }

  /** Send a pre-encoded UTF-8 frame as a text message (broadcasts: one buffer for every socket). */
  sendData(data: Buffer): boolean {
    if (!this.write(data)) return false;
    this.metrics.framesOut.inc();
    return true;
  }

  private write(data: string | Buffer): boolean {
    if (!this.writable()) return false;
    this.holdWrites();
    this.socket.send(data, { binary: false });
    this.flushIfFull();
    return true;
  }

  /** Cork the socket until the end of this turn (once per turn); ws's own cork/uncork pairs nest inside. */
  private holdWrites(): void {
    if (this.corkedSocket) return;
    const socket = socketOf(this.socket);
    if (!socket) return;
    socket.cork();
    this.corkedSocket = socket;
    if (corked.push(this) === 1) process.nextTick(uncorkAll);
  }

  private flushIfFull(): void {
    const socket = this.corkedSocket;
    if (socket && socket.writableLength >= HOLD_BYTES) {
      socket.uncork();
      socket.cork();
    }
  }

  /** End of the turn: everything written since `holdWrites` goes out now. */
  releaseWrites(): void {
    const socket = this.corkedSocket;
    this.corkedSocket = undefined;
    socket?.uncork();
  }

  /** False when closing, or when the unsent buffer passed the cap (then it closes as a slow consumer). */
  private writable(): boolean {
    if (this.current === 'closing' || this.current === 'closed') return false;
    if (this.socket.bufferedAmount > this.limits.sendBufferBytes) {
      this.close(CloseCode.SlowConsumer, 'send buffer full: read faster, then resume with since');
      return false;
    }
    return true;
  }

  sendError(error: HeraldError, ref?: string): void {
    this.metrics.rejectedFrames.inc({ code: error.code });
    const data: { code: ErrorCode; message: string; ref?: string; details?: unknown } = {
      code: error.code,
      message: error.message,
    };
    if (ref !== undefined) data.ref = ref;
    if (error.details !== undefined) data.details = error.details;
    this.send({ id: serverFrameId(), type: 'error', action: 'error', data, timestamp: Date.now() });
  }

  /** Resolves once the socket's unsent buffer is below half the cap (flow control for catch-ups). */
  async drained(): Promise<void> {
    while (this.current !== 'closed' && this.socket.bufferedAmount > this.limits.sendBufferBytes / 2) {
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    }
  }

  /**
   * A conversation event from the bus for this connection's user. `frame` holds the complete
   * WebSocket frame (header + payload), built once per broadcast and shared by every recipient
   * (ws's sender only reads the list; undefined if it could not be built); `data` is the payload,
   * for the fallback path. Returns true when it was written (the caller counts frames for the whole broadcast).
   */
  deliver(event: ConversationEvent, data: Buffer, frame: readonly [Buffer] | undefined): boolean {
    const stream = this.stream(event.conversationId);
    if (stream.muted) return false;
    if (!stream.offer(event) || !this.writable()) return false;
    // ws frames every send anew; a broadcast's frame is the same for every socket, so write the
    // prebuilt one through ws's own sender (as engine.io does) when the sender is idle.
    this.holdWrites();
    if (!frame || !sendFramed(this.socket, frame)) this.socket.send(data, { binary: false });
    this.flushIfFull();
    return true;
  }

  /** This connection's conversation streams, by conversation (read-only; the bus gap fill reads them). */
  get conversationStreams(): ReadonlyMap<string, ConversationStream> {
    return this.streams ?? NO_STREAMS;
  }

  stream(conversationId: string): ConversationStream {
    this.streams ??= new Map();
    let stream = this.streams.get(conversationId);
    if (!stream) {
      stream = new ConversationStream();
      this.streams.set(conversationId, stream);
    }
    return stream;
  }

  /** Run `task` after every earlier task of this connection: a client's messages keep their send order. */
  inOrder<T>(task: () => Promise<T>): Promise<T> {
    const result = this.sendChain.then(task, task);
    // Not `result.catch(...)`: that settles with the task's value, which would keep the last
    // message's whole object graph alive until this client's next frame (seconds), so every message
    // outlived two scavenges and was promoted, and the old generation's growth forced a
    // mark-compact every few seconds (20–70 ms pauses, the chat p99).
    this.sendChain = result.then(settled, settled);
    return result;
  }

  /** Close with a code; a peer that does not finish the close handshake in 2 s is cut. */
  close(code: number, reason: string): void {
    if (this.current === 'closing' || this.current === 'closed') return;
    this.current = 'closing';
    this.metrics.closes.inc({ code: String(code) });
    this.log.debug({ connectionId: this.id, code, reason }, 'closing connection');
    // Close reasons are limited to 123 bytes by RFC 6455.
    this.socket.close(code, Buffer.from(reason).subarray(0, 123).toString());
    setTimeout(() => this.socket.terminate(), 2_000).unref();
  }

  /** A WebSocket ping (liveness.ts decides when); nothing once the socket is no longer open. */
  ping(): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  /** Drop a dead peer without a close handshake. */
  terminate(code: number): void {
    if (this.current === 'closed') return;
    this.current = 'closing';
    this.metrics.closes.inc({ code: String(code) });
    this.socket.terminate();
  }
}
