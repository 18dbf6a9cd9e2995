/**
 * SQLite's message write path: a whole batch in one synchronous better-sqlite3 transaction, each
 * message two or three statements prepared once. On SQLite a statement is a function call, not a
 * round trip, so Kysely's per-statement promise, mutex and query building cost more than SQLite
 * itself; this path skips them.
 * Invariants (those of MessageAppend): seq = last_seq + 1 is assigned by the insert itself, in the
 * transaction that bumps last_seq; a repeated (sender, clientId) returns the original and takes no
 * seq; a batch is written whole or not at all (a missing conversation fails it).
 * Returns `undefined` while a Kysely transaction is open on the connection (transactions cannot
 * nest): the caller then takes the Kysely path, which queues behind that transaction.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type SQLite from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { AppendResult, NewMessage } from './message-append.js';
import { messageRow, needsFullWrite, toMessage } from './message-rows.js';
import type { MessagesTable } from './schema.js';

export type SqliteMessageAppend = (batch: readonly NewMessage[]) => AppendResult[] | undefined;

export function sqliteMessageAppend(database: SQLite.Database): SqliteMessageAppend {
  // The seq comes from the row it follows; ON CONFLICT makes a repeat insert nothing, so it takes no seq.
  const insert = database.prepare<[Selectable<MessagesTable>], { seq: number }>(
    `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, type, text, reply_to, attachment, file_id, created_at)
     SELECT @id, id, last_seq + 1, @sender_id, @client_id, @type, @text, @reply_to, @attachment, @file_id, @created_at
       FROM conversations WHERE id = @conversation_id
     ON CONFLICT (sender_id, client_id) DO NOTHING
     RETURNING seq`,
  );
  const bump = database.prepare<[number, number, string]>('UPDATE conversations SET last_seq = ?, updated_at = ? WHERE id = ?');
  // Your own message is read by you: keeps unread counts right on your other devices.
  const readOwn = database.prepare<[number, string, string, number]>(
    'UPDATE conversation_members SET last_read_seq = ? WHERE conversation_id = ? AND user_id = ? AND last_read_seq < ?',
  );
  const original = database.prepare<[string, string], Selectable<MessagesTable>>(
    'SELECT * FROM messages WHERE sender_id = ? AND client_id = ?',
  );

  const write = database.transaction((batch: readonly NewMessage[], now: number): AppendResult[] =>
    batch.map((message) => {
      const row = messageRow(message, 0, now);
      const inserted = insert.get(row);
      if (inserted) {
        row.seq = inserted.seq;
        bump.run(row.seq, now, row.conversation_id);
        readOwn.run(row.seq, row.conversation_id, row.sender_id, row.seq);
        return { message: toMessage(row), duplicate: false };
      }
      const existing = original.get(message.senderId, message.clientId);
      if (!existing) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
      return { message: toMessage(existing), duplicate: true };
    }),
  );

  // Mentions are rare and take columns this path does not write: such a batch takes the Kysely path.
  return (batch) => (database.inTransaction || batch.some(needsFullWrite) ? undefined : write.immediate(batch, Date.now()));
}
