/**
 * Conversations and who may touch them. Every read, write and subscribe asks `assertMember`
 * first; member lists are cached per node and dropped on a `membership_changed` bus message,
 * so every node sees a change as soon as the bus carries it.
 */
import { type Conversation, type CreateConversationBody, ErrorCode, HeraldError, type Member } from '@herald/protocol';
import type { Logger } from 'pino';
import type { AccountRepository } from '../auth/account-repository.js';
import type { Actor } from '../auth/actor.js';
import type { Bus } from '../bus/bus.js';
import type { BlockList } from '../users/block-list.js';
import type { ConversationRepository } from './conversation-repository.js';

const CACHE_LIMIT = 10_000;

export class ConversationService {
  private readonly members = new Map<string, Promise<ReadonlySet<string>>>();

  constructor(
    private readonly repository: ConversationRepository,
    private readonly accounts: AccountRepository,
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly blocks: Pick<BlockList, 'eitherBlocked' | 'assertDirectAllowed' | 'assertCanAdd'>,
  ) {
    bus.subscribe((message) => {
      if (message.type === 'membership_changed') this.members.delete(message.conversationId);
    });
  }

  /** Drop every cached member list (the bus returned after an outage: a `membership_changed` may have been missed). */
  forgetMembers(): void {
    this.members.clear();
  }

  /** Member ids of a conversation (empty set when it does not exist). */
  memberSet(conversationId: string): Promise<ReadonlySet<string>> {
    let cached = this.members.get(conversationId);
    if (!cached) {
      if (this.members.size >= CACHE_LIMIT) this.members.delete(this.members.keys().next().value as string);
      cached = this.repository.memberIds(conversationId).then((ids) => new Set(ids));
      cached.catch(() => this.members.delete(conversationId));
      this.members.set(conversationId, cached);
    }
    return cached;
  }

  /** Throws `forbidden` (and logs it) unless `userId` belongs to the conversation. */
  async assertMember(conversationId: string, userId: string, what: string): Promise<ReadonlySet<string>> {
    const members = await this.memberSet(conversationId);
    if (!members.has(userId)) {
      this.log.warn({ userId, conversationId, what }, 'refused: not a member');
      throw new HeraldError(ErrorCode.Forbidden, 'you are not a member of this conversation');
    }
    return members;
  }

  /**
   * Throws `forbidden` when `members` (of a conversation `senderId` belongs to) are the two people
   * of a direct conversation with a block between them. Cheap for everything else: a group of any
   * size other than two returns at once, and two members with no block cost one cached lookup.
   */
  async assertDirectOpen(conversationId: string, senderId: string, members: ReadonlySet<string>): Promise<void> {
    if (members.size !== 2) return;
    let other: string | undefined;
    for (const id of members) if (id !== senderId) other = id;
    if (other === undefined || !(await this.blocks.eitherBlocked(senderId, other))) return;
    // Rare (a block between these two): only their direct conversation is closed by it, not a group of two.
    if ((await this.repository.findConversationIdByDirectKey([senderId, other].sort().join(':'))) !== conversationId) return;
    await this.blocks.assertDirectAllowed(senderId, other);
  }

  async create(actor: Actor, body: CreateConversationBody): Promise<Conversation> {
    if (body.kind === 'direct') {
      if (body.userId === actor.userId) throw new HeraldError(ErrorCode.BadRequest, 'a direct conversation needs another user');
      await this.assertUsersExist([body.userId]);
      await this.blocks.assertDirectAllowed(actor.userId, body.userId);
      const directKey = [actor.userId, body.userId].sort().join(':');
      let id = await this.repository.findConversationIdByDirectKey(directKey);
      if (!id) {
        try {
          id = await this.repository.createConversation({
            kind: 'direct',
            title: null,
            ownerId: null,
            directKey,
            memberIds: [actor.userId, body.userId],
          });
        } catch (error) {
          // The other person opened the same pair at the same moment: use theirs.
          id = await this.repository.findConversationIdByDirectKey(directKey);
          if (!id) throw error;
        }
      }
      return this.get(actor, id);
    }
    const memberIds = [...new Set([actor.userId, ...body.memberIds])];
    await this.assertUsersExist(memberIds);
    await this.blocks.assertCanAdd(actor.userId, memberIds);
    const id = await this.repository.createConversation({
      kind: 'group',
      title: body.title,
      ownerId: actor.userId,
      directKey: null,
      memberIds,
    });
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<Conversation> {
    const conversation = await this.repository.getConversation(id, actor.userId);
    if (!conversation) {
      await this.assertMember(id, actor.userId, 'read conversation');
      throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
    }
    return conversation;
  }

  list(actor: Actor): Promise<Conversation[]> {
    return this.repository.listConversations(actor.userId);
  }

  async addMembers(actor: Actor, conversationId: string, userIds: string[]): Promise<Member[]> {
    await this.assertCanManage(actor, conversationId);
    await this.assertUsersExist(userIds);
    await this.blocks.assertCanAdd(actor.userId, userIds);
    await this.repository.addMembers(conversationId, userIds);
    await this.membershipChanged(conversationId, { addedUserIds: userIds });
    return this.repository.listMembers(conversationId);
  }

  async removeMember(actor: Actor, conversationId: string, userId: string): Promise<void> {
    // Anyone may leave; removing someone else takes the owner or an admin.
    if (userId !== actor.userId) await this.assertCanManage(actor, conversationId);
    else await this.assertMember(conversationId, actor.userId, 'leave');
    if (!(await this.repository.removeMember(conversationId, userId))) {
      throw new HeraldError(ErrorCode.NotFound, 'that user is not a member');
    }
    // Their sockets stop getting this conversation's frames on every node once this reaches the bus.
    await this.membershipChanged(conversationId, { removedUserIds: [userId] });
  }

  private async assertCanManage(actor: Actor, conversationId: string): Promise<void> {
    const conversation = await this.repository.getConversation(conversationId, actor.userId);
    if (actor.role === 'admin') {
      if (!conversation && (await this.memberSet(conversationId)).size === 0) {
        throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
      }
      if (conversation?.kind === 'direct') throw new HeraldError(ErrorCode.BadRequest, 'direct conversations have fixed members');
      return;
    }
    if (!conversation) {
      this.log.warn({ userId: actor.userId, conversationId }, 'refused: manage members of a conversation they are not in');
      throw new HeraldError(ErrorCode.Forbidden, 'you are not a member of this conversation');
    }
    if (conversation.kind === 'direct') throw new HeraldError(ErrorCode.BadRequest, 'direct conversations have fixed members');
    if (conversation.ownerId !== actor.userId) {
      this.log.warn({ userId: actor.userId, conversationId }, 'refused: not the owner');
      throw new HeraldError(ErrorCode.Forbidden, 'only the group owner or an admin can change members');
    }
  }

  private async assertUsersExist(ids: string[]): Promise<void> {
    const found = await this.accounts.findUsersByIds(ids);
    if (found.length !== new Set(ids).size) {
      const known = new Set(found.map((u) => u.id));
      throw new HeraldError(ErrorCode.BadRequest, 'unknown user id', { unknown: ids.filter((id) => !known.has(id)) });
    }
  }

  private async membershipChanged(conversationId: string, change: { addedUserIds?: string[]; removedUserIds?: string[] }): Promise<void> {
    this.members.delete(conversationId);
    await this.bus.publish({ type: 'membership_changed', conversationId, ...change });
  }
}
