/**
 * ConversationMutes: a member mutes or unmutes a conversation for all their devices. The flag is
 * stored on their member row (so the push notifier honours it and their conversation list shows
 * it), and every session of theirs, on every node, hears `conversation_muted` right after the write.
 */
import { ErrorCode, encodeFrame, HeraldError, type ServerFrameOf } from '@herald/protocol';
import type { Bus } from '../bus/bus.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import type { MuteRepository } from '../conversations/mute-repository.js';
import { serverFrameId } from '../gateway/server-frame.js';

export class ConversationMutes {
  constructor(
    private readonly mutes: Pick<MuteRepository, 'setMuted'>,
    private readonly conversations: Pick<ConversationService, 'assertMember'>,
    private readonly bus: Pick<Bus, 'publish'>,
  ) {}

  /** `forbidden` for a non-member (the conversation may not exist: the same answer, as for reading it). */
  async set(userId: string, conversationId: string, muted: boolean): Promise<{ conversationId: string; muted: boolean }> {
    await this.conversations.assertMember(conversationId, userId, 'mute');
    // Removed between the check and the write: the same answer as if the check had seen it.
    if (!(await this.mutes.setMuted(conversationId, userId, muted))) {
      throw new HeraldError(ErrorCode.Forbidden, 'you are not a member of this conversation');
    }
    const frame: ServerFrameOf<'conversation_muted'> = {
      id: serverFrameId(),
      type: 'system',
      action: 'conversation_muted',
      data: { conversationId, muted },
      timestamp: Date.now(),
    };
    await this.bus.publish({ type: 'user_event', target: { userIds: [userId] }, frame: encodeFrame(frame) });
    return { conversationId, muted };
  }
}
