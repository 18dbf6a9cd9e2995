/**
 * Client events: frames that get no ack (today only `typing_status`), sent only when a connection is
 * ready and simply dropped otherwise (a stale "typing" indicator is worth nothing after a reconnect).
 * HeraldClient has no public method for events yet, so `sendTypingStatus` reaches the client's
 * connection through this one narrow seam; it becomes a one-line wrapper once HeraldClient grows
 * a public `sendEvent`.
 */
import { ClientFrameSchema, describeIssues, ErrorCode, HeraldError } from '@herald/protocol';
import type { HeraldClient } from './herald-client.js';
import { newId } from './ids.js';

interface EventSink {
  connection: { send(frame: unknown): boolean };
}

/** Tell the other members that this user is (or stopped) typing; false when no connection is ready. */
export function sendTypingStatus(client: HeraldClient, conversationId: string, isTyping: boolean): boolean {
  const parsed = ClientFrameSchema.safeParse({
    id: newId(),
    type: 'typing',
    action: 'typing_status',
    data: { conversationId, isTyping },
    timestamp: Date.now(),
  });
  if (!parsed.success) throw new HeraldError(ErrorCode.InvalidFrame, 'invalid typing_status event', describeIssues(parsed.error));
  return (client as unknown as EventSink).connection.send(parsed.data);
}
