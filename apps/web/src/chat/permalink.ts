/**
 * Message permalinks: `/chat/<conversationId>?m=<seq>` opens the conversation at that message
 * (a message's seq is stable within its conversation). Invariant: only a positive safe integer
 * is a seq; anything else in `m` is no message at all.
 */

/** The query parameter naming the message. */
export const MESSAGE_PARAM = 'm';

/** The app path of one message. */
export function permalinkPath(conversationId: string, seq: number): string {
  return `/chat/${encodeURIComponent(conversationId)}?${MESSAGE_PARAM}=${seq}`;
}

/** The seq in an `m` value, or null when it is not one. */
export function parseSeqParam(value: string): number | null {
  if (!/^\d{1,16}$/.test(value.trim())) return null;
  const seq = Number(value.trim());
  return Number.isSafeInteger(seq) && seq > 0 ? seq : null;
}
