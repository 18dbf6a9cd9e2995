/**
 * The row a message is stored as, and back: shared by the Kysely store and SQLite's fast write path.
 */
import type { Attachment, GroupMention, Message, MessageType } from '@herald/protocol';
import type { Selectable } from 'kysely';
import { timeOrderedId } from '../util/time-ordered-id.js';
import type { NewMessage } from './message-append.js';
import type { MessagesTable } from './schema.js';

/**
 * The message a row holds, in its current state. Reactions and the reply preview live elsewhere
 * (messages/message-details.ts fills them); here they are empty.
 */
export function toMessage(row: Selectable<MessagesTable>): Message {
  const revision = row.revision === null || row.revision === undefined ? null : Number(row.revision);
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
    editedAt: row.edited_at === null || row.edited_at === undefined ? null : Number(row.edited_at),
    deletedAt: row.deleted_at === null || row.deleted_at === undefined ? null : Number(row.deleted_at),
    mentions: row.mentions ? (JSON.parse(row.mentions) as string[]) : [],
    groupMention: (row.group_mention as GroupMention | null | undefined) ?? null,
    reactions: [],
    replyPreview: null,
    revision: revision ?? Number(row.seq),
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
    edited_at: null,
    deleted_at: null,
    revision: null,
    mentions: message.mentions && message.mentions.length > 0 ? JSON.stringify(message.mentions) : null,
    group_mention: message.groupMention ?? null,
  };
}

/** True when a message needs columns the dialects' fast write paths do not write (they decline it). */
export function needsFullWrite(message: NewMessage): boolean {
  return (message.mentions !== undefined && message.mentions.length > 0) || (message.groupMention ?? null) !== null;
}
