/**
 * DirectPush: application events that are not chat messages — `direct_message` to one user's
 * sessions (all of them, one connection, or one device type) and `conversation_event` to a
 * conversation's members. Best-effort live delivery through the bus: nothing is persisted, there
 * is no seq, and a user with no matching session simply gets nothing.
 */
import { type DirectTarget, ErrorCode, encodeFrame, HeraldError, type ServerFrameOf } from '@herald/protocol';
import type { AccountRepository } from '../auth/account-repository.js';
import type { Bus } from '../bus/bus.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { serverFrameId } from '../gateway/server-frame.js';

export class DirectPush {
  constructor(
    private readonly accounts: Pick<AccountRepository, 'findUserById'>,
    private readonly bus: Bus,
    private readonly conversations: ConversationService,
  ) {}

  /** `direct_message` to the sessions of one user that match the target; `not_found` for an unknown user. */
  async toUser(target: DirectTarget, event: string, payload: unknown): Promise<void> {
    if (!(await this.accounts.findUserById(target.userId))) throw new HeraldError(ErrorCode.NotFound, 'user not found');
    const frame: ServerFrameOf<'direct_message'> = {
      id: serverFrameId(),
      type: 'event',
      action: 'direct_message',
      data: { event, payload },
      timestamp: Date.now(),
    };
    await this.bus.publish({
      type: 'user_event',
      target: { userIds: [target.userId], connectionId: target.connectionId, deviceType: target.deviceType },
      frame: encodeFrame(frame),
    });
  }

  /** `conversation_event` to every session of every member; `not_found` for an unknown conversation. */
  async toConversation(conversationId: string, event: string, payload: unknown): Promise<void> {
    const members = await this.conversations.memberSet(conversationId);
    if (members.size === 0) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
    const frame: ServerFrameOf<'conversation_event'> = {
      id: serverFrameId(),
      type: 'event',
      action: 'conversation_event',
      data: { conversationId, event, payload },
      timestamp: Date.now(),
    };
    await this.bus.publish({ type: 'user_event', target: { userIds: [...members] }, frame: encodeFrame(frame) });
  }
}
