/**
 * Whether a new message alerts me (toast, desktop notification, beep): never for my own, nor for
 * the conversation I am looking at; a muted conversation stays quiet EXCEPT for a message that
 * mentions me (my id in its mentions, or @all / @here in a group), which always gets through.
 */
import type { Conversation, Message } from '@herald/protocol';

export interface NotifyInput {
  message: Pick<Message, 'senderId' | 'conversationId' | 'mentions' | 'groupMention' | 'deletedAt'>;
  myId: string;
  /** The conversation's kind, when known (group mentions count in groups only). */
  kind: Conversation['kind'] | undefined;
  muted: boolean;
  /** The conversation is open on a visible page. */
  looking: boolean;
}

export type NotifyDecision = 'none' | 'notify' | 'mention';

export function notifyDecision({ message, myId, kind, muted, looking }: NotifyInput): NotifyDecision {
  if (message.senderId === myId || message.deletedAt !== null || looking) return 'none';
  const mention = message.mentions.includes(myId) || (kind !== 'direct' && message.groupMention !== null);
  if (mention) return 'mention';
  return muted ? 'none' : 'notify';
}
