/**
 * Applying changes to a message copy: the server's change events (`message_updated`,
 * `message_deleted`, `reaction_updated`) and this client's optimistic ones.
 * Invariants: a server change applies only when its seq is above the copy's `revision` (the seq of
 * the last change the copy reflects), so a replayed or late change never brings back old text or a
 * deleted message; a deleted message stays deleted; functions return the same object when nothing
 * changes, and never mutate their input.
 */
import type { ConversationChange, Message, Reaction, ReplyPreview } from '@herald/protocol';
import { REPLY_PREVIEW_MAX } from '@herald/protocol';

/** The seq of the last change a copy reflects (its own seq when none). */
export function revisionOf(message: Pick<Message, 'seq' | 'revision'>): number {
  return message.revision ?? message.seq;
}

/** `message` after the server's `change` (for `me`, to keep `mine` right); the same object when it does not apply. */
export function applyChange<M extends Message>(message: M, change: ConversationChange, me: string | null): M {
  const { data } = change;
  if (data.messageId !== message.id || data.seq <= revisionOf(message)) return message;
  if (change.action === 'message_deleted') return tombstone(message, data.at, data.seq);
  if (message.deletedAt !== null) return message;
  if (change.action === 'message_updated') {
    return {
      ...message,
      text: change.data.text,
      editedAt: data.at,
      mentions: change.data.mentions,
      groupMention: change.data.groupMention,
      revision: data.seq,
    };
  }
  const { emoji, added, reaction, userId } = change.data;
  const previous = message.reactions.find((r) => r.emoji === emoji);
  const mine = userId === me ? added : (previous?.mine ?? false);
  const next: Reaction = { emoji, count: reaction.count, userIds: reaction.userIds, mine };
  return { ...message, reactions: replaceReaction(message.reactions, next), revision: data.seq };
}

/** The message as everyone sees it once deleted. */
export function tombstone<M extends Message>(message: M, at: number, revision?: number): M {
  return {
    ...message,
    text: '',
    attachment: null,
    reactions: [],
    replyPreview: null,
    mentions: [],
    groupMention: null,
    deletedAt: message.deletedAt ?? at,
    ...(revision === undefined ? {} : { revision }),
  };
}

/** Optimistic edit. */
export function withText<M extends Message>(message: M, text: string, at: number): M {
  return message.deletedAt !== null ? message : { ...message, text, editedAt: at };
}

/** Optimistic reaction: `me` adds `emoji`, or takes it back when it is already theirs. */
export function withToggledReaction<M extends Message>(message: M, emoji: string, me: string): M {
  if (message.deletedAt !== null) return message;
  const previous = message.reactions.find((r) => r.emoji === emoji);
  const next: Reaction = previous?.mine
    ? { emoji, count: previous.count - 1, userIds: previous.userIds.filter((id) => id !== me), mine: false }
    : { emoji, count: (previous?.count ?? 0) + 1, userIds: [...(previous?.userIds ?? []).filter((id) => id !== me), me], mine: true };
  return { ...message, reactions: replaceReaction(message.reactions, next) };
}

/** The emoji's reaction replaced (kept in place), appended when new, dropped at count 0. */
function replaceReaction(reactions: readonly Reaction[], next: Reaction): Reaction[] {
  const index = reactions.findIndex((r) => r.emoji === next.emoji);
  if (next.count <= 0) return index === -1 ? [...reactions] : reactions.filter((_, i) => i !== index);
  if (index === -1) return [...reactions, next];
  return reactions.map((r, i) => (i === index ? next : r));
}

/** A reply preview of a loaded message (the author's name is the app's to find when null). */
export function replyPreviewOf(target: Message, senderName: string | null = null): ReplyPreview {
  const deleted = target.deletedAt !== null;
  const line = (target.text || target.attachment?.name || '').split('\n').find((l) => l.trim() !== '') ?? '';
  const chars = [...line.trim()];
  return {
    messageId: target.id,
    seq: target.seq,
    senderId: target.senderId,
    senderName,
    type: target.type,
    text: deleted ? '' : chars.length <= REPLY_PREVIEW_MAX ? chars.join('') : `${chars.slice(0, REPLY_PREVIEW_MAX - 1).join('')}…`,
    deleted,
    missing: false,
  };
}

/** A reply's preview after the message it quotes changed (edited or deleted); the same object when it does not quote it. */
export function withQuoteOf<M extends Message>(message: M, target: Message): M {
  const preview = message.replyPreview;
  if (message.replyTo !== target.id || !preview) return message;
  const fresh = replyPreviewOf(target, preview.senderName);
  return fresh.text === preview.text && fresh.deleted === preview.deleted ? message : { ...message, replyPreview: fresh };
}
