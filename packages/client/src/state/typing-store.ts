/**
 * TypingStore: typing indicators of one conversation, both ways.
 * - Remote: who else is typing, from `typing_status` frames; an indicator ends on `isTyping:false`,
 *   after `expireMs` (6 s) without a refresh (the server's own expiry is 5 s, so a lost `false`
 *   never leaves a stale indicator), or when this client loses its connection.
 * - Local: `notifyTyping()` on each keystroke sends `isTyping:true` at most once per `throttleMs`
 *   (2 s); `stopTyping()` (or `idleMs`, 4 s, without a keystroke, or the store stopping) sends
 *   `isTyping:false` once.
 * Invariants: one expiry timer per remote typist; no timer survives `onStop`.
 */
import { sendTypingStatus } from '../client-events.js';
import { systemTimers, type TimerHandle, type Timers } from '../environment.js';
import type { HeraldClient } from '../herald-client.js';
import type { ClientPort } from './client-port.js';
import { ExternalStore } from './external-store.js';
import { perClient } from './per-client.js';

export interface TypingStoreOptions {
  throttleMs?: number;
  idleMs?: number;
  expireMs?: number;
  timers?: Timers;
  /** Sends the event (the SDK's `sendTypingStatus` in the app); false when it could not be sent. */
  send: (isTyping: boolean) => boolean;
}

const NOBODY: string[] = [];

export class TypingStore extends ExternalStore<string[]> {
  private readonly remote = new Map<string, TimerHandle>();
  private typing = false;
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private idleTimer: TimerHandle | undefined;
  private stops: (() => void)[] = [];
  private readonly throttleMs: number;
  private readonly idleMs: number;
  private readonly expireMs: number;
  private readonly sendEvent: (isTyping: boolean) => boolean;

  constructor(
    private readonly client: ClientPort,
    readonly conversationId: string,
    options: TypingStoreOptions,
  ) {
    super(NOBODY, options.timers ?? systemTimers);
    this.throttleMs = options.throttleMs ?? 2_000;
    this.idleMs = options.idleMs ?? 4_000;
    this.expireMs = options.expireMs ?? 6_000;
    this.sendEvent = options.send;
  }

  /** Call on every keystroke: tells the others (throttled) and restarts the idle countdown. */
  notifyTyping = (): void => {
    const now = this.timers.now();
    if ((!this.typing || now - this.lastSentAt >= this.throttleMs) && this.sendEvent(true)) {
      this.typing = true;
      this.lastSentAt = now;
    }
    if (this.idleTimer !== undefined) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = this.timers.setTimeout(() => {
      this.idleTimer = undefined;
      this.stopTyping();
    }, this.idleMs);
  };

  /** Call on send or blur: tells the others the user stopped (once). */
  stopTyping = (): void => {
    if (this.idleTimer !== undefined) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (!this.typing) return;
    this.typing = false;
    this.lastSentAt = Number.NEGATIVE_INFINITY;
    this.sendEvent(false);
  };

  protected onStart(): void {
    this.stops = [
      this.client.on('typing_status', (frame) => {
        const { conversationId, userId, isTyping } = frame.data;
        if (conversationId !== this.conversationId) return;
        if (isTyping) this.show(userId);
        else this.hide(userId);
      }),
      this.client.subscribe((state) => {
        if (state.status === 'connected') return;
        this.typing = false; // the server ends our indicator when the connection closes
        for (const userId of [...this.remote.keys()]) this.hide(userId);
      }),
    ];
  }

  protected onStop(): void {
    for (const stop of this.stops.splice(0)) stop();
    this.stopTyping();
    for (const timer of this.remote.values()) this.timers.clearTimeout(timer);
    this.remote.clear();
    this.setState(NOBODY);
  }

  private show(userId: string): void {
    const timer = this.remote.get(userId);
    if (timer !== undefined) this.timers.clearTimeout(timer);
    this.remote.set(
      userId,
      this.timers.setTimeout(() => this.hide(userId), this.expireMs),
    );
    if (timer === undefined) this.publish();
  }

  private hide(userId: string): void {
    const timer = this.remote.get(userId);
    if (timer === undefined) return;
    this.timers.clearTimeout(timer);
    this.remote.delete(userId);
    this.publish();
  }

  private publish(): void {
    this.setState(this.remote.size === 0 ? NOBODY : [...this.remote.keys()]);
  }
}

/** The client's TypingStore for `conversationId`. */
export const typingStoreFor = (client: HeraldClient, conversationId: string): TypingStore =>
  perClient(
    client,
    `typing:${conversationId}`,
    () => new TypingStore(client, conversationId, { send: (isTyping) => sendTypingStatus(client, conversationId, isTyping) }),
  );
