/**
 * KyselyMessageAppend: the message write on Kysely, the same code on every dialect. It is the
 * fallback whenever a dialect's fast path (sqlite-message-append.ts, postgres-message-append.ts)
 * declines, and the contract suite runs it on its own too, so it cannot rot unseen.
 * Invariants: those of MessageAppend (message-append.ts). Concurrent writers are serialised per
 * conversation by the row lock of the `last_seq` UPDATE (PostgreSQL); SQLite serialises all writers.
 */
import { ErrorCode, HeraldError, type Message } from '@herald/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { AppendResult, NewMessage } from './message-append.js';
import { messageRow, toMessage } from './message-rows.js';
import { preparedQuery } from './prepared-query.js';
import type { Database, MessagesTable } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';

/** The four statements every message runs, compiled once (see prepared-query.ts). */
function messageStatements(db: Kysely<Database>) {
  return {
    findByClientId: preparedQuery(2, (senderId: string, clientId: string) =>
      db.selectFrom('messages').selectAll().where('sender_id', '=', senderId).where('client_id', '=', clientId),
    ),
    nextSeq: preparedQuery(2, (conversationId: string, now: number) =>
      db
        .updateTable('conversations')
        .set((eb) => ({ last_seq: eb('last_seq', '+', 1), updated_at: now }))
        .where('id', '=', conversationId)
        .returning('last_seq'),
    ),
    insert: preparedQuery(
      13,
      (
        id: string,
        conversationId: string,
        seq: number,
        senderId: string,
        clientId: string,
        type: string,
        text: string,
        replyTo: string | null,
        attachment: string | null,
        fileId: string | null,
        createdAt: number,
        mentions: string | null,
        groupMention: string | null,
      ) =>
        db.insertInto('messages').values({
          id,
          conversation_id: conversationId,
          seq,
          sender_id: senderId,
          client_id: clientId,
          type,
          text,
          reply_to: replyTo,
          attachment,
          file_id: fileId,
          created_at: createdAt,
          mentions,
          group_mention: groupMention,
        }),
    ),
    readOwn: preparedQuery(3, (conversationId: string, userId: string, seq: number) =>
      db
        .updateTable('conversation_members')
        .set({ last_read_seq: seq })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('last_read_seq', '<', seq),
    ),
  };
}

/** A batch that keeps losing races is failed rather than retried forever. */
const MAX_BATCH_ATTEMPTS = 10;

export class KyselyMessageAppend {
  private readonly statements: ReturnType<typeof messageStatements>;

  constructor(private readonly db: Kysely<Database>) {
    this.statements = messageStatements(db);
  }

  /** One message, on statements compiled once. */
  async one(message: NewMessage): Promise<AppendResult> {
    try {
      const s = this.statements;
      return await this.db.transaction().execute(async (trx) => {
        const [existing] = (await s.findByClientId(trx, message.senderId, message.clientId)).rows;
        if (existing) return { message: toMessage(existing), duplicate: true };
        const now = Date.now();
        // The row lock taken by this UPDATE serialises concurrent writers per conversation (PostgreSQL);
        // SQLite serialises all writers. Either way seq = last_seq + 1 commits with the insert or not at all.
        const [updated] = (await s.nextSeq(trx, message.conversationId, now)).rows;
        if (!updated) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
        const last_seq = updated.last_seq;
        const row = messageRow(message, Number(last_seq), now);
        await s.insert(
          trx,
          row.id,
          row.conversation_id,
          row.seq,
          row.sender_id,
          row.client_id,
          row.type,
          row.text,
          row.reply_to,
          row.attachment,
          row.file_id,
          row.created_at,
          row.mentions,
          row.group_mention,
        );
        // Your own message is read by you: keeps unread counts right on your other devices.
        await s.readOwn(trx, message.conversationId, message.senderId, row.seq);
        return { message: toMessage(row), duplicate: false };
      });
    } catch (error) {
      // A concurrent append with the same (sender, clientId) won the race: return its message.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.db
        .selectFrom('messages')
        .selectAll()
        .where('sender_id', '=', message.senderId)
        .where('client_id', '=', message.clientId)
        .executeTakeFirst();
      if (!existing) throw error;
      return { message: toMessage(existing), duplicate: true };
    }
  }

  /**
   * Several messages in one transaction (see MessageAppend for the invariants). On PostgreSQL,
   * another node can store one of the batch's (sender, clientId) pairs after this transaction read
   * them: the insert then fails on the unique index, the transaction rolls back whole, and running
   * it again reads what the other node committed.
   */
  async batch(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    if (batch.length === 0) return [];
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.batchOnce(batch);
      } catch (error) {
        if (attempt >= MAX_BATCH_ATTEMPTS || !isUniqueViolation(error)) throw error;
      }
    }
  }

  private batchOnce(batch: readonly NewMessage[]): Promise<AppendResult[]> {
    return this.db.transaction().execute(async (trx) => {
      const key = (senderId: string, clientId: string) => `${senderId}\n${clientId}`;
      const stored = await trx
        .selectFrom('messages')
        .selectAll()
        .where('sender_id', 'in', [...new Set(batch.map((m) => m.senderId))])
        .where('client_id', 'in', [...new Set(batch.map((m) => m.clientId))])
        .execute();
      const known = new Map<string, Message>(stored.map((row) => [key(row.sender_id, row.client_id), toMessage(row)]));
      const firstIndex = new Map<string, number>();
      const counts = new Map<string, number>();
      for (const [index, message] of batch.entries()) {
        const k = key(message.senderId, message.clientId);
        if (known.has(k) || firstIndex.has(k)) continue;
        firstIndex.set(k, index);
        counts.set(message.conversationId, (counts.get(message.conversationId) ?? 0) + 1);
      }
      const now = Date.now();
      const nextSeq = new Map<string, number>();
      // Lock conversations in id order so two nodes' batches can never deadlock on each other.
      for (const conversationId of [...counts.keys()].sort()) {
        const count = counts.get(conversationId) ?? 0;
        const { last_seq } = await trx
          .updateTable('conversations')
          .set((eb) => ({ last_seq: eb('last_seq', '+', count), updated_at: now }))
          .where('id', '=', conversationId)
          .returning('last_seq')
          .executeTakeFirstOrThrow();
        nextSeq.set(conversationId, Number(last_seq) - count + 1);
      }
      const rows: Selectable<MessagesTable>[] = [];
      const created = new Map<number, Message>();
      const readUpTo = new Map<string, { conversationId: string; userId: string; seq: number }>();
      for (const [index, message] of batch.entries()) {
        if (firstIndex.get(key(message.senderId, message.clientId)) !== index) continue;
        const seq = nextSeq.get(message.conversationId) ?? 0;
        nextSeq.set(message.conversationId, seq + 1);
        const row = messageRow(message, seq, now);
        rows.push(row);
        created.set(index, toMessage(row));
        readUpTo.set(`${message.conversationId}\n${message.senderId}`, {
          conversationId: message.conversationId,
          userId: message.senderId,
          seq,
        });
      }
      for (let i = 0; i < rows.length; i += 100)
        await trx
          .insertInto('messages')
          .values(rows.slice(i, i + 100))
          .execute();
      // Your own message is read by you: keeps unread counts right on your other devices.
      for (const { conversationId, userId, seq } of readUpTo.values()) {
        await trx
          .updateTable('conversation_members')
          .set({ last_read_seq: seq })
          .where('conversation_id', '=', conversationId)
          .where('user_id', '=', userId)
          .where('last_read_seq', '<', seq)
          .execute();
      }
      return batch.map((message, index): AppendResult => {
        const mine = created.get(index);
        if (mine) return { message: mine, duplicate: false };
        const k = key(message.senderId, message.clientId);
        const original = known.get(k) ?? created.get(firstIndex.get(k) ?? -1);
        if (!original) throw new Error('appendMessages: lost track of a message');
        return { message: original, duplicate: true };
      });
    });
  }
}
