/**
 * `herald_append_messages`: PostgreSQL's write of a batch of messages, as a PL/pgSQL function that
 * migration 0004 creates. A function's statements are planned once per connection and each is a
 * look-up or update by a unique key, so the plan fits any table size; the single CTE it replaces
 * had to be planned at every call, which cost PostgreSQL more per message than writing them one
 * by one.
 * Frozen: migration 0004 runs this text; a change to the function is a new migration with a new
 * constant (CREATE OR REPLACE), never an edit here.
 * Contract (postgres-message-append.ts relies on it; test/message-repository.contract.test.ts checks it):
 * - arguments: one array per text column (1-based, all the same length, distinct (sender_id,
 *   client_id) pairs), then created_at. The caller sorts them by conversation id, byte order:
 *   each conversation's row is locked when its first message is written, so every batch locks in
 *   the same order and two batches cannot deadlock (the Kysely path locks in the same order).
 * - a row per argument position `ord`: a new message gives `duplicate = false` and its `seq` (the
 *   caller has the rest); a (sender_id, client_id) already stored gives `duplicate = true` and the
 *   stored row. Rows come in `ord` order.
 * - seq = last_seq + 1 from the UPDATE that bumps `conversations.last_seq` under its row lock, so
 *   no duplicate and no gap; the sender's `last_read_seq` rises to it, never falls.
 * - a missing conversation raises SQLSTATE HR404 and, being one statement, writes nothing.
 * - another transaction storing the same (sender_id, client_id) first makes the INSERT fail on
 *   `messages_sender_client` (23505): nothing is written, the caller falls back.
 */

/** SQLSTATE the function raises for a message naming a conversation that does not exist (spelled out in the frozen text). */
export const CONVERSATION_MISSING = 'HR404';

export const APPEND_MESSAGES_FUNCTION_V1 = `
CREATE OR REPLACE FUNCTION herald_append_messages(
  p_id text[], p_conversation_id text[], p_sender_id text[], p_client_id text[], p_type text[],
  p_text text[], p_reply_to text[], p_attachment text[], p_file_id text[], p_created_at bigint)
RETURNS TABLE (ord integer, duplicate boolean, id text, conversation_id text, seq bigint, sender_id text,
               client_id text, type text, text text, reply_to text, attachment text, file_id text, created_at bigint)
LANGUAGE plpgsql VOLATILE AS $fn$
#variable_conflict use_column
DECLARE
  new_seq bigint;
BEGIN
  FOR i IN 1 .. coalesce(cardinality(p_id), 0) LOOP
    RETURN QUERY
      SELECT i, true, m.id, m.conversation_id, m.seq, m.sender_id, m.client_id, m.type, m.text, m.reply_to,
             m.attachment, m.file_id, m.created_at
        FROM messages m WHERE m.sender_id = p_sender_id[i] AND m.client_id = p_client_id[i];
    CONTINUE WHEN FOUND;
    UPDATE conversations c SET last_seq = c.last_seq + 1, updated_at = p_created_at
     WHERE c.id = p_conversation_id[i]
    RETURNING c.last_seq INTO new_seq;
    IF NOT FOUND THEN
      RAISE EXCEPTION USING ERRCODE = 'HR404', MESSAGE = format('conversation %s not found', p_conversation_id[i]);
    END IF;
    INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, type, text, reply_to, attachment, file_id, created_at)
    VALUES (p_id[i], p_conversation_id[i], new_seq, p_sender_id[i], p_client_id[i], p_type[i], p_text[i], p_reply_to[i],
            p_attachment[i], p_file_id[i], p_created_at);
    UPDATE conversation_members cm SET last_read_seq = new_seq
     WHERE cm.conversation_id = p_conversation_id[i] AND cm.user_id = p_sender_id[i] AND cm.last_read_seq < new_seq;
    ord := i;
    duplicate := false;
    seq := new_seq;
    RETURN NEXT;
  END LOOP;
END
$fn$`;

export const DROP_APPEND_MESSAGES_FUNCTION =
  'DROP FUNCTION IF EXISTS herald_append_messages(text[], text[], text[], text[], text[], text[], text[], text[], text[], bigint)';
