/** How a conversation is shown: its title (a group's title, else the other member's name) and its other members. */
import type { Conversation } from '@herald/protocol';

export function otherMembers(conversation: Conversation, myId: string): Conversation['members'] {
  return conversation.members.filter((member) => member.userId !== myId);
}

export function conversationTitle(conversation: Conversation, myId: string): string {
  if (conversation.kind === 'group' && conversation.title) return conversation.title;
  const others = otherMembers(conversation, myId);
  if (others.length === 0) return conversation.title ?? conversation.members[0]?.name ?? '—';
  return others.map((member) => member.name).join(', ');
}

/** The highest read position among the other members (for "read" on my messages). */
export function othersReadSeq(conversation: Conversation | undefined, myId: string): number {
  if (!conversation) return 0;
  return otherMembers(conversation, myId).reduce((max, member) => Math.max(max, member.lastReadSeq), 0);
}

/**
 * The highest delivered position among the other members (for ✓✓ delivered on my messages). Reading
 * implies receiving, so a read position counts too. Like "read", a group shows delivered once any
 * other member's device has the message (docs/protocol.md, delivery receipts).
 */
export function othersDeliveredSeq(conversation: Conversation | undefined, myId: string): number {
  if (!conversation) return 0;
  return otherMembers(conversation, myId).reduce((max, member) => Math.max(max, member.deliveredSeq ?? 0, member.lastReadSeq), 0);
}

/** Initials for an avatar. */
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  if (parts.length === 1)
    return Array.from(parts[0] ?? '?')
      .slice(0, 2)
      .join('')
      .toUpperCase();
  return `${Array.from(parts[0] ?? '')[0] ?? ''}${Array.from(parts.at(-1) ?? '')[0] ?? ''}`.toUpperCase();
}

/** A short clock time, or a date for older messages. */
export function shortTime(time: number, now: number, locale: string): string {
  const sameDay = new Date(time).toDateString() === new Date(now).toDateString();
  return new Intl.DateTimeFormat(locale, sameDay ? { hour: '2-digit', minute: '2-digit' } : { month: 'short', day: 'numeric' }).format(
    time,
  );
}
