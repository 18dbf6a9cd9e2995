/**
 * MessageAppend: the one write every message goes through, and the records it takes and returns.
 * Implementations: kysely-message-append.ts (every dialect, the fallback), sqlite-message-append.ts
 * and postgres-message-append.ts (each dialect's fast path, which may decline a batch).
 * Invariants every implementation keeps (test/message-append.contract.test.ts runs each of them on
 * SQLite and PostgreSQL):
 * - `seq = last_seq + 1` is assigned in the transaction that inserts the row, so seqs are strictly
 *   increasing with no gaps, even with concurrent writers on several nodes;
 * - `(senderId, clientId)` is unique: appending the same pair again returns the original message
 *   with `duplicate: true` and changes nothing;
 * - a batch keeps its order (consecutive seqs per conversation in array order) and is written whole
 *   or not at all.
 */
import type { Attachment, GroupMention, Message, MessageType } from '@herald/protocol';

export interface NewMessage {
  conversationId: string;
  senderId: string;
  clientId: string;
  type: MessageType;
  text: string;
  replyTo: string | null;
  attachment: Attachment | null;
  /** Mentioned member ids (resolved from the text by messages/mentions.ts). */
  mentions?: readonly string[];
  groupMention?: GroupMention | null;
}

export interface AppendResult {
  message: Message;
  /** True when `(senderId, clientId)` already existed and `message` is the original. */
  duplicate: boolean;
}

/**
 * Writes a batch whole, or declines with `undefined` so the caller takes the next implementation
 * (synchronous on SQLite, a promise on PostgreSQL).
 */
export type MessageAppend = (batch: readonly NewMessage[]) => AppendResult[] | undefined | Promise<AppendResult[] | undefined>;
