/**
 * The messages' socket actions: `send_message`, `history`, and `subscribe`/`unsubscribe` (live
 * events of one conversation, with catch-up from `since`). Each checks membership through the
 * ConversationService (`send_message` and `history` inside MessageService) and answers with one ack.
 * Invariant: one connection's `send_message` frames are checked and queued in the order they
 * arrived (Connection#inOrder), so its messages get seqs in send order.
 */
import type { ConversationService } from '../conversations/conversation-service.js';
import { type ActionHandlers, handlerFor } from '../gateway/action-registry.js';
import { ack } from '../gateway/server-frame.js';
import { ConversationCatchUp } from './conversation-catch-up.js';
import type { MessageRepository } from './message-repository.js';
import type { MessageService } from './message-service.js';

export interface MessageActionsDeps {
  conversations: Pick<ConversationService, 'assertMember'>;
  messages: Pick<MessageService, 'enqueue' | 'history' | 'frameOf'>;
  /** Where a catch-up reads the messages a subscriber missed. */
  history: Pick<MessageRepository, 'history' | 'firstSeq'>;
}

export function messageActions(deps: MessageActionsDeps): ActionHandlers {
  const { conversations, messages } = deps;
  const catchUp = new ConversationCatchUp(deps.history, messages);
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
      const { conversationId, before, after, limit } = frame.data;
      ack(connection, frame, await messages.history(userId, conversationId, { before, after, limit }));
    }),

    subscribe: handlerFor('subscribe', async (connection, frame, userId) => {
      await conversations.assertMember(frame.data.conversationId, userId, 'subscribe');
      await catchUp.subscribe(connection, frame);
    }),

    unsubscribe: handlerFor('unsubscribe', async (connection, frame, userId) => {
      const { conversationId } = frame.data;
      await conversations.assertMember(conversationId, userId, 'unsubscribe');
      connection.stream(conversationId).mute();
      ack(connection, frame, { conversationId });
    }),
  };
}
