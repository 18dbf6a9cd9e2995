/**
 * TypingRelay: turns `typing_status` frames into `typing_status` events for the other members of
 * the conversation (never the typist's own sessions; in a large group only the sessions that have
 * it open: conversation-audience.ts), through the bus so they may be on any node.
 * Nothing is persisted. One sweep timer for every typist expires indicators `ttlMs` after their
 * last refresh and relays `isTyping: false`; closing the typing connection ends its indicators.
 * Invariant: one user's relays in one conversation are published in the order they were decided
 * (a `false` can never overtake the `true` it ends).
 */
import { encodeFrame } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { serverFrameId } from '../gateway/server-frame.js';
import type { UserDirectory } from '../users/user-directory.js';
import { KeyedSerial } from '../util/keyed-serial.js';
import { conversationAudience } from './conversation-audience.js';
import { type TypingKey, TypingTracker } from './typing-tracker.js';

export interface TypingRelayOptions {
  ttlMs: number;
  /** Least time between two relayed `true`s of one user in one conversation. */
  throttleMs: number;
  /** How often the sweep looks for expired indicators. */
  sweepMs: number;
}

export class TypingRelay {
  private readonly tracker: TypingTracker;
  private readonly serial = new KeyedSerial();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly deps: { bus: Bus; conversations: ConversationService; users: UserDirectory; log: Logger },
    options: TypingRelayOptions,
  ) {
    this.tracker = new TypingTracker(options);
    this.timer = setInterval(() => this.sweep(), options.sweepMs);
    this.timer.unref();
  }

  /** A member's typing update (membership already checked). */
  update(conversationId: string, userId: string, connectionId: string, isTyping: boolean): void {
    if (this.tracker.update({ conversationId, userId, connectionId, isTyping }, Date.now())) {
      this.relay({ conversationId, userId }, isTyping);
    }
  }

  /** A connection closed: indicators it was keeping alive stop now rather than at expiry. */
  dropConnection(connectionId: string): void {
    for (const key of this.tracker.dropConnection(connectionId)) this.relay(key, false);
  }

  /** Resolves when every relay decided so far has been published. */
  drain(): Promise<void> {
    return this.serial.drain();
  }

  close(): void {
    clearInterval(this.timer);
  }

  private sweep(): void {
    if (this.tracker.size === 0) return;
    for (const key of this.tracker.expire(Date.now())) this.relay(key, false);
  }

  private relay(key: TypingKey, isTyping: boolean): void {
    const { conversationId, userId } = key;
    void this.serial
      .run(`${conversationId.length}:${conversationId}${userId}`, async () => {
        const members = await this.deps.conversations.memberSet(conversationId);
        if (members.size < 2) return;
        const frame = encodeFrame({
          id: serverFrameId(),
          type: 'typing',
          action: 'typing_status',
          data: { conversationId, userId, isTyping },
          sender: await this.deps.users.sender(userId),
          timestamp: Date.now(),
        });
        const target = conversationAudience(conversationId, members, userId, 'others');
        await this.deps.bus.publish({ type: 'user_event', target, frame, conversationId });
      })
      .catch((error: unknown) => this.deps.log.warn({ err: error, conversationId, userId }, 'typing relay failed'));
  }
}
