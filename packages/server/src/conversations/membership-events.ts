/**
 * MembershipEvents: tells users' sessions, on every node, that their conversation list changed —
 * `conversation_added` (created with them, or they were added), `conversation_updated` (renamed,
 * members added) and `member_removed` (left or removed). Published as `user_event`s on the bus,
 * like read receipts and notifications, so every session of each user gets them wherever it lives.
 * Invariants: each is published after the change is committed and after its `membership_changed`,
 * so a session that hears of a new conversation already receives its messages, and a removed user
 * gets nothing of the conversation after `member_removed`. None carries `conversationId` on the bus
 * message: that would let RemovedMembers filter out `member_removed` for the very user it is about.
 */
import { type Conversation, encodeFrame, type Member, type ServerFrameOf } from '@herald/protocol';
import type { Bus } from '../bus/bus.js';
import { serverFrameId } from '../gateway/server-frame.js';

type ListAction = 'conversation_added' | 'conversation_updated' | 'member_removed';

export class MembershipEvents {
  constructor(private readonly bus: Pick<Bus, 'publish'>) {}

  /**
   * `conversation_added` to each user with the conversation as that user sees it. Users whose views
   * are identical (the usual case: a new conversation, or new members who never wrote in it) share
   * one bus message.
   */
  async added(views: ReadonlyMap<string, Conversation>, by: string): Promise<void> {
    const byView = new Map<string, { conversation: Conversation; userIds: string[] }>();
    for (const [userId, conversation] of views) {
      const key = JSON.stringify(conversation);
      const group = byView.get(key);
      if (group) group.userIds.push(userId);
      else byView.set(key, { conversation, userIds: [userId] });
    }
    for (const { conversation, userIds } of byView.values()) await this.send(userIds, 'conversation_added', { conversation, by });
  }

  /** `conversation_updated` to `recipients`: the fields every member sees alike, as they are now. */
  async updated(
    recipients: readonly string[],
    conversation: { conversationId: string; title: string | null; ownerId: string | null; members: Member[] },
    by: string,
  ): Promise<void> {
    await this.send(recipients, 'conversation_updated', { ...conversation, by });
  }

  /** `member_removed` to the removed user and the remaining members. */
  async removed(recipients: readonly string[], conversationId: string, userId: string, by: string): Promise<void> {
    await this.send(recipients, 'member_removed', { conversationId, userId, by });
  }

  /** One frame to every session of `userIds` (each once), on every node. */
  private async send<A extends ListAction>(userIds: readonly string[], action: A, data: ServerFrameOf<A>['data']): Promise<void> {
    if (userIds.length === 0) return;
    const frame = { id: serverFrameId(), type: 'system', action, data, timestamp: Date.now() } as ServerFrameOf<A>;
    await this.bus.publish({ type: 'user_event', target: { userIds: [...new Set(userIds)] }, frame: encodeFrame(frame) });
  }
}
