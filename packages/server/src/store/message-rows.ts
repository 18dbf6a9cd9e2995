/**
 * The row a message is stored as, and back: shared by the Kysely store and SQLite's fast write path.
 */
import type { Attachment, Message, MessageType } from '@herald/protocol';
import type { Selectable } from 'kysely';
import { timeOrderedId } from '../util/time-ordered-id.js';
import type { NewMessage } from './message-append.js';
import type { MessagesTable } from './schema.js';

export function toMessage(row: Selectable<MessagesTable>): Message {
  return {
    id: row.id,
    clientId: row.client_id,
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    senderId: row.sender_id,
    type: row.type as MessageType,
    text: row.text,
    replyTo: row.reply_to,
    attachment: row.attachment === null ? null : (JSON.parse(row.attachment) as Attachment),
    createdAt: Number(row.created_at),
  };
}

/**
 * The row a new message is stored as. Its id is time-ordered, so the primary-key index takes
 * each new message at its right edge instead of at a random page (see time-ordered-id.ts).
 */
export function messageRow(message: NewMessage, seq: number, now: number): Selectable<MessagesTable> {
  return {
    id: timeOrderedId(now),
    conversation_id: message.conversationId,
    seq,
    sender_id: message.senderId,
    client_id: message.clientId,
    type: message.type,
    text: message.text,
    reply_to: message.replyTo,
    attachment: message.attachment === null ? null : JSON.stringify(message.attachment),
    file_id: message.attachment?.fileId ?? null,
    created_at: now,
  };
}
