/**
 * Client events: frames that get no ack (today only `typing_status`), sent only when a connection is
 * ready and simply dropped otherwise (a stale "typing" indicator is worth nothing after a reconnect).
 */
import type { HeraldClient } from './herald-client.js';

/** Tell the other members that this user is (or stopped) typing; false when no connection is ready. */
export function sendTypingStatus(client: HeraldClient, conversationId: string, isTyping: boolean): boolean {
  return client.sendEvent('typing_status', { conversationId, isTyping });
}
