/**
 * The opaque cursor of GET /conversations: the (last activity, id) key of the last conversation of
 * a page, base64url-encoded so clients treat it as a token, not data. Pagination is keyset on that
 * key (most recent first, id breaking ties), so a page never repeats or skips a conversation whose
 * activity did not change; one that gets a message while the user pages moves to the top (the
 * client learns of it from the live `new_message`), never into a later page twice.
 * Invariant: decoding refuses anything this module did not produce with `bad_request` naming
 * `cursor`, never a database error.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';

/** Where a page ends: the last conversation's activity time (ms) and id. */
export interface ConversationPageKey {
  activityAt: number;
  id: string;
}

const VERSION = 'c1';
/** Conversation ids are server-made UUIDs (randomUUID), so nothing else can be one. */
const PATTERN = /^c1\.(\d{1,16})\.([\w-]{1,64})$/;

export function encodeConversationCursor(key: ConversationPageKey): string {
  return Buffer.from(`${VERSION}.${key.activityAt}.${key.id}`, 'utf8').toString('base64url');
}

/** The key in `cursor`; throws `bad_request` (details `{ field: 'cursor' }`) for anything else. */
export function decodeConversationCursor(cursor: string): ConversationPageKey {
  const match = /^[\w-]+$/.test(cursor) ? PATTERN.exec(Buffer.from(cursor, 'base64url').toString('utf8')) : null;
  const activityAt = Number(match?.[1]);
  const id = match?.[2];
  if (id === undefined || !Number.isSafeInteger(activityAt)) {
    throw new HeraldError(ErrorCode.BadRequest, 'invalid query: cursor is not a cursor from this list', { field: 'cursor' });
  }
  return { activityAt, id };
}
