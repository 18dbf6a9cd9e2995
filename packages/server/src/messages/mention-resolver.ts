/**
 * MentionResolver: the mentions of a message being sent or edited, from its text and the
 * conversation's members (see mentions.ts for the rules). Reads the members only when the text has
 * an `@`, so a message without one costs nothing.
 * Who may use `@all` / `@here` (`HERALD_GROUP_MENTIONS`): `admins` (default) — the group's owner and
 * admins; `members` — every member.
 */
import type { Mentions } from '@herald/protocol';
import type { ConversationRepository } from '../conversations/conversation-repository.js';
import { resolveMentions } from './mentions.js';

export type GroupMentionPolicy = 'admins' | 'members';

export class MentionResolver {
  constructor(
    private readonly conversations: Pick<ConversationRepository, 'listMembers' | 'header'>,
    private readonly roleOf: (userId: string) => Promise<string | undefined>,
    private readonly policy: GroupMentionPolicy,
  ) {}

  async resolve(conversationId: string, author: { userId: string; role?: string | undefined }, text: string): Promise<Mentions> {
    if (!text.includes('@')) return { mentions: [], groupMention: null };
    const [members, header] = await Promise.all([
      this.conversations.listMembers(conversationId),
      this.conversations.header(conversationId),
    ]);
    const group = header?.kind === 'group';
    let mayMentionAll = group && this.policy === 'members';
    if (group && !mayMentionAll && /@(all|here)/i.test(text)) {
      const role = author.role ?? (await this.roleOf(author.userId));
      mayMentionAll = header?.ownerId === author.userId || role === 'admin';
    }
    return resolveMentions(
      text,
      members.filter((m) => m.userId !== author.userId),
      { group, mayMentionAll },
    );
  }
}
