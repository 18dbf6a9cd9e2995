/**
 * MessageDetails: what a message shows beyond its own row — its reactions (aggregated per emoji, in
 * the order each emoji was first used, `mine` for the viewer) and the preview of the message it
 * replies to (author, first line, or deleted/missing) — filled for a page of messages in two queries.
 * Invariant: reads only; a deleted message gets neither (a tombstone shows nothing).
 */
import { type Message, REACTION_USERS_SHOWN, REPLY_PREVIEW_MAX, type Reaction, type ReplyPreview } from '@herald/protocol';
import type { UserDirectory } from '../users/user-directory.js';
import type { MessageChangeRepository } from './message-change-repository.js';
import type { MessageRepository } from './message-repository.js';

export class MessageDetails {
  constructor(
    private readonly messages: Pick<MessageRepository, 'findMessages'>,
    private readonly changes: Pick<MessageChangeRepository, 'reactionsOf'>,
    private readonly users: Pick<UserDirectory, 'sender'>,
  ) {}

  /** The messages with reactions (`mine` for `viewerId`; none set when null) and reply previews. */
  async fill(messages: readonly Message[], viewerId: string | null): Promise<Message[]> {
    const live = messages.filter((m) => m.deletedAt === null);
    if (live.length === 0) return [...messages];
    const replyIds = [...new Set(live.flatMap((m) => (m.replyTo === null ? [] : [m.replyTo])))];
    const [reactions, previews] = await Promise.all([this.reactions(live, viewerId), this.previews(replyIds)]);
    return messages.map((m) => {
      if (m.deletedAt !== null) return m;
      const r = reactions.get(m.id);
      const p = m.replyTo === null ? null : (previews.get(m.replyTo) ?? missing(m.replyTo));
      return r === undefined && p === null ? m : { ...m, reactions: r ?? m.reactions, replyPreview: p };
    });
  }

  /** The preview of one message (for a reply being sent now). */
  async preview(messageId: string): Promise<ReplyPreview> {
    return (await this.previews([messageId])).get(messageId) ?? missing(messageId);
  }

  private async reactions(messages: readonly Message[], viewerId: string | null): Promise<Map<string, Reaction[]>> {
    const rows = await this.changes.reactionsOf(messages.map((m) => m.id));
    const byMessage = new Map<string, Map<string, Reaction>>();
    for (const row of rows) {
      let emojis = byMessage.get(row.messageId);
      if (!emojis) {
        emojis = new Map();
        byMessage.set(row.messageId, emojis);
      }
      let reaction = emojis.get(row.emoji);
      if (!reaction) {
        reaction = { emoji: row.emoji, count: 0, userIds: [], mine: false };
        emojis.set(row.emoji, reaction);
      }
      reaction.count++;
      if (reaction.userIds.length < REACTION_USERS_SHOWN) reaction.userIds.push(row.userId);
      if (row.userId === viewerId) reaction.mine = true;
    }
    return new Map([...byMessage].map(([id, emojis]) => [id, [...emojis.values()]]));
  }

  private async previews(ids: readonly string[]): Promise<Map<string, ReplyPreview>> {
    if (ids.length === 0) return new Map();
    const targets = await this.messages.findMessages(ids);
    const out = new Map<string, ReplyPreview>();
    for (const t of targets) {
      const deleted = t.deletedAt !== null;
      const sender = await this.users.sender(t.senderId);
      out.set(t.id, {
        messageId: t.id,
        seq: t.seq,
        senderId: t.senderId,
        senderName: sender.name,
        type: t.type,
        text: deleted ? '' : firstLine(t.text || t.attachment?.name || ''),
        deleted,
        missing: false,
      });
    }
    return out;
  }
}

/** The first non-empty line, cut to REPLY_PREVIEW_MAX characters (never inside a surrogate pair). */
export function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const chars = [...line.trim()];
  return chars.length <= REPLY_PREVIEW_MAX ? chars.join('') : `${chars.slice(0, REPLY_PREVIEW_MAX - 1).join('')}…`;
}

function missing(messageId: string): ReplyPreview {
  return { messageId, seq: null, senderId: null, senderName: null, type: null, text: '', deleted: false, missing: true };
}
