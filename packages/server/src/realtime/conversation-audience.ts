/**
 * Who hears a conversation's ephemeral events (typing, read and delivery receipts). In a direct
 * conversation or a group of fewer than LARGE_GROUP_MIN_MEMBERS, every session of every member; in
 * a large group, only the sessions that have it open (gateway/conversation-viewers.ts), plus the
 * actor's own sessions for receipts (a badge clears on every device of the reader). So a keystroke
 * in a 5,000-member group costs the sessions looking at that group, and the bus message carries
 * no member list. Invariant: the actor never hears its own typing; the rule depends only on the
 * member count, so every node applies the same one.
 */
import { LARGE_GROUP_MIN_MEMBERS } from '@herald/protocol';
import type { UserEventTarget } from '../bus/bus.js';

/** `others`: everyone but the actor (typing). `everyone`: the actor's sessions too (receipts). */
export function conversationAudience(
  conversationId: string,
  members: ReadonlySet<string>,
  actorId: string,
  include: 'others' | 'everyone',
): UserEventTarget {
  if (members.size >= LARGE_GROUP_MIN_MEMBERS) {
    return include === 'others'
      ? { viewersOf: conversationId, exceptUserId: actorId }
      : { viewersOf: conversationId, alsoUserIds: [actorId] };
  }
  return { userIds: include === 'others' ? [...members].filter((id) => id !== actorId) : [...members] };
}
