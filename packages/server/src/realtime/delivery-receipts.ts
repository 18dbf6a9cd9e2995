/**
 * DeliveryReceipts: the one path for "a device of mine has received up to seq" (socket
 * `mark_delivered`): membership check → DeliveryPositionRepository.markDelivered → `delivery_status`
 * to every session of every member (in a large group, the sessions that have it open and the
 * member's own: conversation-audience.ts), through the bus so members on other nodes hear it too.
 * Invariants: the stored position never moves backwards nor past the last seq (the repository);
 * a frame is published only when it moved; per member and conversation at most one frame leaves
 * this node per `windowMs` (the first at once, the latest of the window at its end), so a burst of
 * confirmations from several devices costs the members one or two frames, never one each.
 * A block closes a direct conversation: as with read receipts, only the member's own devices hear.
 */
import { encodeFrame, type MarkDeliveredResult } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { serverFrameId } from '../gateway/server-frame.js';
import { conversationAudience } from './conversation-audience.js';
import type { DeliveryPositionRepository } from './delivery-position-repository.js';

interface Window {
  timer: ReturnType<typeof setTimeout>;
  /** The highest seq confirmed during the window and not yet published (0: none). */
  pending: number;
}

export class DeliveryReceipts {
  private readonly windows = new Map<string, Window>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      deliveredPositions: DeliveryPositionRepository;
      bus: Bus;
      conversations: ConversationService;
      log: Logger;
    },
    private readonly windowMs: number,
  ) {}

  async markDelivered(userId: string, conversationId: string, seq: number): Promise<MarkDeliveredResult> {
    await this.deps.conversations.assertMember(conversationId, userId, 'mark delivered');
    const state = await this.deps.deliveredPositions.markDelivered(conversationId, userId, seq);
    if (state.moved) this.announce(conversationId, userId, state.deliveredSeq);
    return { conversationId, deliveredSeq: state.deliveredSeq };
  }

  /** Stop the windows' timers (their pending positions are stored; members read them from the list). */
  async close(): Promise<void> {
    for (const window of this.windows.values()) clearTimeout(window.timer);
    this.windows.clear();
    await Promise.allSettled([...this.inFlight]);
  }

  private announce(conversationId: string, userId: string, deliveredSeq: number): void {
    const key = `${conversationId}\u0000${userId}`;
    const open = this.windows.get(key);
    if (open) {
      open.pending = Math.max(open.pending, deliveredSeq);
      return;
    }
    this.publish(conversationId, userId, deliveredSeq);
    const window: Window = {
      pending: 0,
      timer: setTimeout(() => {
        this.windows.delete(key);
        if (window.pending > 0) this.announce(conversationId, userId, window.pending);
      }, this.windowMs),
    };
    window.timer.unref?.();
    this.windows.set(key, window);
  }

  private publish(conversationId: string, userId: string, deliveredSeq: number): void {
    const task = this.send(conversationId, userId, deliveredSeq)
      .catch((error: unknown) => this.deps.log.warn({ err: error, conversationId, userId }, 'delivery_status not published'))
      .finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
  }

  private async send(conversationId: string, userId: string, deliveredSeq: number): Promise<void> {
    const frame = encodeFrame({
      id: serverFrameId(),
      type: 'delivery',
      action: 'delivery_status',
      data: { conversationId, userId, deliveredSeq },
      timestamp: Date.now(),
    });
    const members = await this.deps.conversations.assertMember(conversationId, userId, 'mark delivered');
    const target = await this.deps.conversations.assertDirectOpen(conversationId, userId, members).then(
      () => conversationAudience(conversationId, members, userId, 'everyone'),
      () => ({ userIds: [userId] }),
    );
    await this.deps.bus.publish({ type: 'user_event', target, frame, conversationId });
  }
}
