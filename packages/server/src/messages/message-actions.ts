/**
 * The messages' socket actions: `send_message`, `history`, `subscribe`/`unsubscribe` (live
 * events of one conversation, with catch-up from `since`), and the changes `edit_message`,
 * `delete_message`, `react`. Each checks membership through the
 * ConversationService (`send_message` and `history` inside MessageService) and answers with one ack.
 * Invariant: one connection's `send_message` frames are checked and queued in the order they
 * arrived (Connection#inOrder), so its messages get seqs in send order.
 */
import { ErrorCode, HeraldError, historyBoundsAreValid } from '@herald/protocol';
import type { ConversationService } from '../conversations/conversation-service.js';
import { type ActionHandlers, handlerFor } from '../gateway/action-registry.js';
import type { Connection } from '../gateway/connection.js';
import type { ConversationViewers } from '../gateway/conversation-viewers.js';
import { ack } from '../gateway/server-frame.js';
import { ConversationCatchUp } from './conversation-catch-up.js';
import type { MessageChangeService } from './message-change-service.js';
import type { MessageService } from './message-service.js';

export interface MessageActionsDeps {
  conversations: Pick<ConversationService, 'assertMember'>;
  messages: Pick<MessageService, 'enqueue' | 'history' | 'streamFrames' | 'firstSeq' | 'lastSeq'>;
  changes: MessageChangeService;
  /** Who has which conversation open: `subscribe` opens it, `unsubscribe` closes it. */
  viewers?: Pick<ConversationViewers<Connection>, 'follow' | 'unfollow'> | undefined;
}

export function messageActions(deps: MessageActionsDeps): ActionHandlers {
  const { conversations, messages, changes, viewers } = deps;
  const catchUp = new ConversationCatchUp(messages);
  return {
    send_message: handlerFor('send_message', async (connection, frame, userId) => {
      // Checks run in frame order per connection; the write joins whatever batch is forming.
      const { written } = await connection.inOrder(() =>
        messages.enqueue(userId, {
          conversationId: frame.data.conversationId,
          clientId: frame.id,
          type: frame.type,
          text: frame.data.text,
          replyTo: frame.data.replyTo,
          attachment: frame.data.attachment,
          senderRole: connection.user?.role,
        }),
      );
      const { message, duplicate } = await written;
      ack(connection, frame, {
        messageId: message.id,
        conversationId: message.conversationId,
        seq: message.seq,
        createdAt: message.createdAt,
        duplicate,
      });
    }),

    history: handlerFor('history', async (connection, frame, userId) => {
      const { conversationId, before, after, around, limit } = frame.data;
      if (!historyBoundsAreValid(frame.data))
        throw new HeraldError(ErrorCode.InvalidFrame, '`around` cannot be combined with `before` or `after`');
      ack(connection, frame, await messages.history(userId, conversationId, { before, after, around, limit }));
    }),

    // Changes: the frame id is the idempotency key, as for send_message. Checked and queued in frame
    // order per connection (the write itself is not waited for), so one client's changes keep their order.
    edit_message: handlerFor('edit_message', async (connection, frame, userId) => {
      const { conversationId, messageId, text } = frame.data;
      const { written } = await connection.inOrder(() =>
        changes.edit({ userId, role: connection.user?.role }, { conversationId, messageId, clientId: frame.id, text }),
      );
      ack(connection, frame, await written);
    }),

    delete_message: handlerFor('delete_message', async (connection, frame, userId) => {
      const { conversationId, messageId } = frame.data;
      const { written } = await connection.inOrder(() =>
        changes.delete({ userId, role: connection.user?.role }, { conversationId, messageId, clientId: frame.id }),
      );
      ack(connection, frame, await written);
    }),

    react: handlerFor('react', async (connection, frame, userId) => {
      const { conversationId, messageId, emoji, remove } = frame.data;
      const { written } = await connection.inOrder(() =>
        changes.react({ userId, role: connection.user?.role }, { conversationId, messageId, clientId: frame.id, emoji, remove }),
      );
      ack(connection, frame, await written);
    }),

    subscribe: handlerFor('subscribe', async (connection, frame, userId) => {
      await conversations.assertMember(frame.data.conversationId, userId, 'subscribe');
      // Closed meanwhile: LocalSessions already dropped it from the viewers, and must not find it again.
      if (connection.state === 'ready') viewers?.follow(connection, frame.data.conversationId);
      await catchUp.subscribe(connection, frame);
    }),

    unsubscribe: handlerFor('unsubscribe', async (connection, frame, userId) => {
      const { conversationId } = frame.data;
      await conversations.assertMember(conversationId, userId, 'unsubscribe');
      connection.stream(conversationId).mute();
      viewers?.unfollow(connection, conversationId);
      ack(connection, frame, { conversationId });
    }),
  };
}
