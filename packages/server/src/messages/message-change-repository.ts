/**
 * MessageChangeRepository: edits, deletions and reaction changes, each written as one transaction
 * that takes the conversation's next seq, stores the change as a `message_events` row and brings the
 * message row (and `message_reactions`) to its new state; and reading changes back by seq.
 * Invariants:
 * - the seq comes from the same `conversations.last_seq` as messages, bumped first in the
 *   transaction: its row lock (PostgreSQL; SQLite serialises all writers) orders every change and
 *   message of a conversation, so the checks below read the state the change applies to;
 * - `(userId, clientId)` is unique: a repeated request returns the stored change, `duplicate: true`;
 * - a change that would change nothing (adding a reaction that is there, deleting a deleted message)
 *   takes no seq and stores nothing; a refused one (the `allow` check throws) neither;
 * - deleting clears the message's text, attachment, mentions and reactions, and the text of its
 *   earlier edits, so no replay can show deleted words again.
 */
import {
  type ConversationChange,
  ErrorCode,
  type GroupMention,
  HeraldError,
  REACTION_USERS_SHOWN,
  REACTIONS_PER_MESSAGE_MAX,
  REACTIONS_PER_USER_MAX,
} from '@herald/protocol';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Database, MessageEventsTable } from '../store/schema.js';
import { isUniqueViolation } from '../store/unique-violation.js';
import { timeOrderedId } from '../util/time-ordered-id.js';

/** What a change's checks see of the message it changes. */
export interface ChangeTarget {
  id: string;
  conversationId: string;
  senderId: string;
  type: string;
  createdAt: number;
  deletedAt: number | null;
}

export type ChangeSpec =
  | { kind: 'edit'; text: string; mentions: readonly string[]; groupMention: GroupMention | null }
  | { kind: 'delete' }
  | { kind: 'reaction'; emoji: string; added: boolean };

export interface ChangeRequest {
  conversationId: string;
  messageId: string;
  userId: string;
  /** The request's idempotency key. */
  clientId: string;
  spec: ChangeSpec;
  /** Throws (a HeraldError) when this user may not make this change to `target`. */
  allow: (target: ChangeTarget) => void;
}

export interface ChangeOutcome {
  /** The stored change; null when it changed nothing. */
  change: ConversationChange | null;
  duplicate: boolean;
  /** When it happened (for a change that changed nothing: now). */
  at: number;
  /** A deletion: the attachment's file, when no other message refers to it any more. */
  orphanedFileId: string | null;
}

/** A reaction limit the change would pass: `reactions_per_message` or `reactions_per_user`. */
export class ReactionCapExceeded extends Error {
  constructor(readonly cap: 'reactions_per_message' | 'reactions_per_user') {
    super(`cap exceeded: ${cap}`);
  }
}

export interface ReactionRow {
  messageId: string;
  emoji: string;
  userId: string;
}

export interface MessageChangeRepository {
  apply(request: ChangeRequest): Promise<ChangeOutcome>;
  /** Changes with after < seq < before (before: unbounded when undefined), oldest first, at most `limit`. */
  changesBetween(conversationId: string, after: number, before: number | undefined, limit: number): Promise<ConversationChange[]>;
  /** Every reaction on these messages, oldest first. */
  reactionsOf(messageIds: readonly string[]): Promise<ReactionRow[]>;
}

/** Thrown inside the transaction to roll it back while answering without an error. */
class Settled extends Error {
  constructor(readonly outcome: ChangeOutcome) {
    super('settled');
  }
}

const NOT_FOUND = () => new HeraldError(ErrorCode.NotFound, 'message not found');

export class KyselyMessageChangeRepository implements MessageChangeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async apply(request: ChangeRequest): Promise<ChangeOutcome> {
    try {
      return await this.db.transaction().execute((trx) => this.applyIn(trx, request));
    } catch (error) {
      if (error instanceof Settled) return error.outcome;
      // Another node stored this (user, clientId) between our check and insert: answer with it.
      if (isUniqueViolation(error)) {
        const stored = await this.stored(this.db, request.userId, request.clientId);
        if (stored) return stored;
      }
      throw error;
    }
  }

  private async applyIn(trx: Transaction<Database>, request: ChangeRequest): Promise<ChangeOutcome> {
    const now = Date.now();
    // Bump first: its row lock orders this change after every earlier write of the conversation.
    const bumped = await trx
      .updateTable('conversations')
      .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
      .where('id', '=', request.conversationId)
      .returning('last_seq')
      .executeTakeFirst();
    if (!bumped) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
    const seq = Number(bumped.last_seq);
    const repeat = await this.stored(trx, request.userId, request.clientId);
    if (repeat) {
      if (repeat.change?.data.messageId !== request.messageId) {
        throw new HeraldError(ErrorCode.Conflict, 'this request id was already used for another change');
      }
      throw new Settled(repeat);
    }
    const row = await trx
      .selectFrom('messages')
      .select(['id', 'conversation_id', 'sender_id', 'type', 'created_at', 'deleted_at', 'file_id'])
      .where('id', '=', request.messageId)
      .executeTakeFirst();
    if (!row || row.conversation_id !== request.conversationId) throw NOT_FOUND();
    const target: ChangeTarget = {
      id: row.id,
      conversationId: row.conversation_id,
      senderId: row.sender_id,
      type: row.type,
      createdAt: Number(row.created_at),
      deletedAt: row.deleted_at === null ? null : Number(row.deleted_at),
    };
    request.allow(target);
    const unchanged = (): Settled => new Settled({ change: null, duplicate: false, at: now, orphanedFileId: null });
    const base: Omit<Selectable<MessageEventsTable>, 'kind'> = {
      id: timeOrderedId(now),
      conversation_id: request.conversationId,
      seq,
      message_id: request.messageId,
      user_id: request.userId,
      client_id: request.clientId,
      text: null,
      mentions: null,
      group_mention: null,
      emoji: null,
      added: null,
      reaction: null,
      created_at: now,
    };
    const { spec } = request;
    let event: Selectable<MessageEventsTable>;
    let orphanedFileId: string | null = null;
    if (spec.kind === 'edit') {
      if (target.deletedAt !== null) throw new HeraldError(ErrorCode.Conflict, 'the message was deleted');
      const mentions = spec.mentions.length > 0 ? JSON.stringify(spec.mentions) : null;
      await trx
        .updateTable('messages')
        .set({ text: spec.text, edited_at: now, revision: seq, mentions, group_mention: spec.groupMention })
        .where('id', '=', target.id)
        .execute();
      event = { ...base, kind: 'edit', text: spec.text, mentions, group_mention: spec.groupMention };
    } else if (spec.kind === 'delete') {
      if (target.deletedAt !== null) throw unchanged();
      await trx
        .updateTable('messages')
        .set({ text: '', attachment: null, file_id: null, deleted_at: now, revision: seq, mentions: null, group_mention: null })
        .where('id', '=', target.id)
        .execute();
      await trx.deleteFrom('message_reactions').where('message_id', '=', target.id).execute();
      // Earlier edits keep their text for replay; a deleted message's words go with it.
      await trx
        .updateTable('message_events')
        .set({ text: '', mentions: null })
        .where('message_id', '=', target.id)
        .where('kind', '=', 'edit')
        .execute();
      if (row.file_id !== null) {
        const other = await trx.selectFrom('messages').select('id').where('file_id', '=', row.file_id).limit(1).executeTakeFirst();
        if (!other) orphanedFileId = row.file_id;
      }
      event = { ...base, kind: 'delete' };
    } else {
      if (target.deletedAt !== null) throw new HeraldError(ErrorCode.Conflict, 'the message was deleted');
      const mine = await trx
        .selectFrom('message_reactions')
        .select('emoji')
        .where('message_id', '=', target.id)
        .where('user_id', '=', request.userId)
        .execute();
      const has = mine.some((r) => r.emoji === spec.emoji);
      if (has === spec.added) throw unchanged();
      if (spec.added) {
        if (mine.length >= REACTIONS_PER_USER_MAX) throw new ReactionCapExceeded('reactions_per_user');
        const emojis = await trx.selectFrom('message_reactions').select('emoji').distinct().where('message_id', '=', target.id).execute();
        if (!emojis.some((r) => r.emoji === spec.emoji) && emojis.length >= REACTIONS_PER_MESSAGE_MAX) {
          throw new ReactionCapExceeded('reactions_per_message');
        }
        await trx
          .insertInto('message_reactions')
          .values({ message_id: target.id, emoji: spec.emoji, user_id: request.userId, created_at: now })
          .execute();
      } else {
        await trx
          .deleteFrom('message_reactions')
          .where('message_id', '=', target.id)
          .where('emoji', '=', spec.emoji)
          .where('user_id', '=', request.userId)
          .execute();
      }
      const users = await trx
        .selectFrom('message_reactions')
        .select('user_id')
        .where('message_id', '=', target.id)
        .where('emoji', '=', spec.emoji)
        .orderBy('created_at')
        .orderBy('user_id')
        .execute();
      const after = { count: users.length, userIds: users.slice(0, REACTION_USERS_SHOWN).map((u) => u.user_id) };
      await trx.updateTable('messages').set({ revision: seq }).where('id', '=', target.id).execute();
      event = { ...base, kind: 'reaction', emoji: spec.emoji, added: spec.added ? 1 : 0, reaction: JSON.stringify(after) };
    }
    await trx.insertInto('message_events').values(event).execute();
    return { change: toChange(event), duplicate: false, at: now, orphanedFileId };
  }

  /** The change stored for (user, clientId), as a duplicate's answer. */
  private async stored(db: Kysely<Database>, userId: string, clientId: string): Promise<ChangeOutcome | undefined> {
    const row = await db
      .selectFrom('message_events')
      .selectAll()
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) return undefined;
    return { change: toChange(row), duplicate: true, at: Number(row.created_at), orphanedFileId: null };
  }

  async changesBetween(conversationId: string, after: number, before: number | undefined, limit: number): Promise<ConversationChange[]> {
    let query = this.db.selectFrom('message_events').selectAll().where('conversation_id', '=', conversationId).where('seq', '>', after);
    if (before !== undefined) query = query.where('seq', '<', before);
    const rows = await query.orderBy('seq').limit(limit).execute();
    return rows.map(toChange);
  }

  async reactionsOf(messageIds: readonly string[]): Promise<ReactionRow[]> {
    if (messageIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('message_reactions')
      .select(['message_id', 'emoji', 'user_id'])
      .where('message_id', 'in', [...messageIds])
      .orderBy('created_at')
      .orderBy('user_id')
      .execute();
    return rows.map((r) => ({ messageId: r.message_id, emoji: r.emoji, userId: r.user_id }));
  }
}

/** A stored change as the event members receive (and replay) it. */
export function toChange(row: Selectable<MessageEventsTable>): ConversationChange {
  const base = {
    conversationId: row.conversation_id,
    seq: Number(row.seq),
    messageId: row.message_id,
    userId: row.user_id,
    at: Number(row.created_at),
  };
  if (row.kind === 'edit') {
    return {
      action: 'message_updated',
      data: {
        ...base,
        text: row.text ?? '',
        mentions: row.mentions ? (JSON.parse(row.mentions) as string[]) : [],
        groupMention: (row.group_mention as GroupMention | null) ?? null,
      },
    };
  }
  if (row.kind === 'delete') return { action: 'message_deleted', data: base };
  const after = row.reaction ? (JSON.parse(row.reaction) as { count: number; userIds: string[] }) : { count: 0, userIds: [] };
  return {
    action: 'reaction_updated',
    data: {
      ...base,
      emoji: row.emoji ?? '',
      added: row.added === 1 || (row.added as unknown) === true,
      reaction: { emoji: row.emoji ?? '', count: after.count, userIds: after.userIds, mine: false },
    },
  };
}
