/**
 * ReadReceipts: the one path for "I have read up to seq" (socket `mark_read` and REST
 * `POST /conversations/:id/read`): membership check → ReadPositionRepository.markRead → `read_status` to every
 * session of every member (the reader's other devices included, so a badge clears everywhere; in a
 * large group the sessions that have it open and the reader's own: conversation-audience.ts).
 * Invariants: the stored position never moves backwards nor past the last seq (ReadPositionRepository);
 * `read_status` is published only when the position moved forward.
 */
import { encodeFrame, type RequestResult } from '@herald/protocol';
import type { Bus } from '../bus/bus.js';
import type { ConversationRepository } from '../conversations/conversation-repository.js';
import type { ConversationService } from '../conversations/conversation-service.js';
import { serverFrameId } from '../gateway/server-frame.js';
import { conversationAudience } from './conversation-audience.js';
import type { ReadPositionRepository } from './read-position-repository.js';

export class ReadReceipts {
  constructor(
    private readonly deps: {
      members: Pick<ConversationRepository, 'listMembers'>;
      readPositions: ReadPositionRepository;
      bus: Bus;
      conversations: ConversationService;
    },
  ) {}

  async markRead(userId: string, conversationId: string, seq: number): Promise<RequestResult<'mark_read'>> {
    const members = await this.deps.conversations.assertMember(conversationId, userId, 'mark read');
    const before = (await this.deps.members.listMembers(conversationId)).find((m) => m.userId === userId)?.lastReadSeq ?? 0;
    const state = await this.deps.readPositions.markRead(conversationId, userId, seq);
    if (state.lastReadSeq > before) {
      const frame = encodeFrame({
        id: serverFrameId(),
        type: 'read',
        action: 'read_status',
        data: { conversationId, userId, lastReadSeq: state.lastReadSeq },
        timestamp: Date.now(),
      });
      // A block closes a direct conversation: the reader's own devices still sync, the other person learns nothing.
      const target = await this.deps.conversations.assertDirectOpen(conversationId, userId, members).then(
        () => conversationAudience(conversationId, members, userId, 'everyone'),
        () => ({ userIds: [userId] }),
      );
      await this.deps.bus.publish({ type: 'user_event', target, frame, conversationId });
    }
    return { conversationId, lastReadSeq: state.lastReadSeq, unreadCount: state.unreadCount };
  }
}
