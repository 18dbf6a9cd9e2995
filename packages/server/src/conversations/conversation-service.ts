/**
 * Conversations and who may touch them. Every read, write and subscribe asks `assertMember`
 * first; member lists are cached per node and dropped on a `membership_changed` bus message,
 * so every node sees a change as soon as the bus carries it. Every change of a conversation's
 * list-visible state (created, members added or removed, renamed) is then told to the sessions it
 * concerns (membership-events.ts), so no client has to poll its conversation list.
 * A group always has an owner while it has members: when the owner leaves or is removed, the
 * longest-standing remaining member inherits it (in the same transaction), and the owner or an admin
 * may hand it to any member; both are told to the members as `conversation_updated`.
 * Groups are held to the add rule (group-add-policy.ts) and two caps counted in the database, so
 * they hold across nodes: groups created per owner per hour, and members per group.
 */
import {
  type Conversation,
  type ConversationListQuery,
  type CreateConversationBody,
  ErrorCode,
  HeraldError,
  type Member,
} from '@herald/protocol';
import type { Logger } from 'pino';
import type { AccountRepository } from '../auth/account-repository.js';
import type { Actor } from '../auth/actor.js';
import type { Bus } from '../bus/bus.js';
import { overLimit, rateLimited } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';
import type { BlockList } from '../users/block-list.js';
import { decodeConversationCursor, encodeConversationCursor } from './conversation-cursor.js';
import { CapExceeded, type ConversationRepository } from './conversation-repository.js';
import { GroupAddPolicy } from './group-add-policy.js';
import { MembershipEvents } from './membership-events.js';

const CACHE_LIMIT = 10_000;
/** How many returning authors' views are read at once when members are added (one list query each). */
const VIEW_READS_AT_ONCE = 8;
const HOUR_MS = 3600_000;

/** The group caps (HERALD_GROUPS_PER_HOUR, HERALD_GROUP_MAX_MEMBERS). */
export interface GroupLimits {
  groupsPerHour: number;
  maxMembers: number;
  /** `contacts`: only people who share a conversation with the adder (group-add-policy.ts). */
  addRule: 'contacts' | 'anyone';
}

export class ConversationService {
  private readonly members = new Map<string, Promise<ReadonlySet<string>>>();
  private readonly events: MembershipEvents;
  private readonly addPolicy: GroupAddPolicy;

  constructor(
    private readonly repository: ConversationRepository,
    private readonly accounts: AccountRepository,
    private readonly bus: Bus,
    private readonly log: Logger,
    private readonly blocks: Pick<BlockList, 'eitherBlocked' | 'assertDirectAllowed' | 'assertCanAdd'>,
    private readonly limits: GroupLimits,
    private readonly metrics: Pick<Metrics, 'limitRejections'>,
  ) {
    this.events = new MembershipEvents(bus);
    this.addPolicy = new GroupAddPolicy(repository, blocks, log, limits.addRule);
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
  /** The group's owner (null for a direct conversation, or none); undefined when it does not exist. */
  async ownerOf(conversationId: string): Promise<string | null | undefined> {
    return (await this.repository.header(conversationId))?.ownerId;
  }

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
      if (id) return this.get(actor, id);
      try {
        id = await this.repository.createConversation({
          kind: 'direct',
          title: null,
          ownerId: null,
          directKey,
          memberIds: [actor.userId, body.userId],
        });
      } catch (error) {
        // The other person opened the same pair at the same moment: use theirs (they announce it).
        id = await this.repository.findConversationIdByDirectKey(directKey);
        if (!id) throw error;
        return this.get(actor, id);
      }
      return this.announceCreated(actor, id, [actor.userId, body.userId]);
    }
    const memberIds = [...new Set([actor.userId, ...body.memberIds])];
    await this.assertUsersExist(memberIds);
    await this.addPolicy.assertMayAdd(actor, memberIds);
    const { groupsPerHour, maxMembers } = this.limits;
    const id = await this.capped(() =>
      this.repository.createConversation(
        { kind: 'group', title: body.title, ownerId: actor.userId, directKey: null, memberIds },
        { recentGroups: { since: Date.now() - HOUR_MS, max: groupsPerHour }, maxMembers },
      ),
    );
    return this.announceCreated(actor, id, memberIds);
  }

  /**
   * Tell every member's sessions (the creator's other tabs included) of a conversation just created.
   * Nobody has read or written in it yet, so every member sees it as the creator does: one view for all.
   */
  private async announceCreated(actor: Actor, id: string, memberIds: readonly string[]): Promise<Conversation> {
    const conversation = await this.get(actor, id);
    await this.events.added(new Map(memberIds.map((userId) => [userId, conversation])), actor.userId);
    return conversation;
  }

  async get(actor: Actor, id: string): Promise<Conversation> {
    const conversation = await this.repository.getConversation(id, actor.userId);
    if (!conversation) {
      await this.assertMember(id, actor.userId, 'read conversation');
      throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
    }
    return conversation;
  }

  /** One page of the caller's conversations, most recent activity first, and the cursor of the next. */
  async list(actor: Actor, query: ConversationListQuery): Promise<{ conversations: Conversation[]; nextCursor: string | null }> {
    const after = query.cursor === undefined ? undefined : decodeConversationCursor(query.cursor);
    const page = await this.repository.listConversations(actor.userId, { after, limit: query.limit });
    return { conversations: page.conversations, nextCursor: page.next && encodeConversationCursor(page.next) };
  }

  async addMembers(actor: Actor, conversationId: string, userIds: string[]): Promise<Member[]> {
    await this.assertCanManage(actor, conversationId);
    await this.assertUsersExist(userIds);
    await this.addPolicy.assertMayAdd(actor, userIds);
    const added = await this.capped(() => this.repository.addMembers(conversationId, userIds, this.limits.maxMembers));
    await this.membershipChanged(conversationId, { addedUserIds: userIds });
    const members = await this.repository.listMembers(conversationId);
    if (added.length > 0) {
      const views = await this.newcomerViews(conversationId, added);
      await this.events.added(views, actor.userId);
      const [view] = views.values();
      const newcomers = new Set(added);
      if (view) {
        await this.events.updated(
          members.map((m) => m.userId).filter((userId) => !newcomers.has(userId)),
          { conversationId, title: view.title, ownerId: view.ownerId, members },
          actor.userId,
        );
      }
    }
    return members;
  }

  /**
   * The conversation as each new member sees it. Newcomers who never wrote in it see it alike (every
   * message unread), so one read serves them all; one who wrote here before leaving gets their own.
   */
  private async newcomerViews(conversationId: string, added: readonly string[]): Promise<Map<string, Conversation>> {
    const authors = new Set(await this.repository.authorsAmong(conversationId, added));
    const views = new Map<string, Conversation>();
    const fresh = added.filter((userId) => !authors.has(userId));
    const shared = fresh[0] === undefined ? undefined : await this.repository.getConversation(conversationId, fresh[0]);
    if (shared) for (const userId of fresh) views.set(userId, shared);
    const own = [...authors];
    for (let i = 0; i < own.length; i += VIEW_READS_AT_ONCE) {
      const batch = own.slice(i, i + VIEW_READS_AT_ONCE);
      const read = await Promise.all(batch.map((userId) => this.repository.getConversation(conversationId, userId)));
      batch.forEach((userId, j) => {
        const view = read[j];
        if (view) views.set(userId, view);
      });
    }
    return views;
  }

  /** Rename a group (its owner or an admin); every member's sessions get `conversation_updated`. */
  async rename(actor: Actor, conversationId: string, title: string): Promise<void> {
    await this.assertCanManage(actor, conversationId);
    const renamed = await this.repository.setTitle(conversationId, title);
    if (!renamed) throw new HeraldError(ErrorCode.NotFound, 'conversation not found');
    const members = await this.repository.listMembers(conversationId);
    const { ownerId } = renamed;
    await this.events.updated(
      members.map((m) => m.userId),
      { conversationId, title, ownerId, members },
      actor.userId,
    );
  }

  async removeMember(actor: Actor, conversationId: string, userId: string): Promise<void> {
    // Anyone may leave; removing someone else takes the owner or an admin.
    if (userId !== actor.userId) await this.assertCanManage(actor, conversationId);
    else await this.assertMember(conversationId, actor.userId, 'leave');
    const { removed, newOwnerId } = await this.repository.removeMemberPassingOwnership(conversationId, userId);
    if (!removed) throw new HeraldError(ErrorCode.NotFound, 'that user is not a member');
    // Their sockets stop getting this conversation's frames on every node once this reaches the bus.
    await this.membershipChanged(conversationId, { removedUserIds: [userId] });
    // Published after it, so `member_removed` is the last frame of this conversation they get.
    const remaining = await this.repository.memberIds(conversationId);
    await this.events.removed([userId, ...remaining], conversationId, userId, actor.userId);
    // The owner left or was removed: the heir (or nobody, in an emptied group) owns it now.
    if (newOwnerId !== undefined) {
      this.log.info({ conversationId, from: userId, to: newOwnerId }, 'group ownership passed on');
      await this.announceUpdated(conversationId, remaining, actor.userId);
    }
  }

  /** Make member `toUserId` the group's owner (its owner or an admin); every member's sessions get `conversation_updated`. */
  async transferOwnership(actor: Actor, conversationId: string, toUserId: string): Promise<void> {
    await this.assertCanManage(actor, conversationId);
    const header = await this.repository.header(conversationId);
    if (header?.kind !== 'group') throw new HeraldError(ErrorCode.BadRequest, 'only a group has an owner');
    if (header.ownerId === toUserId) throw new HeraldError(ErrorCode.BadRequest, 'that member already owns this group');
    if (!(await this.repository.transferOwnership(conversationId, toUserId))) {
      throw new HeraldError(ErrorCode.NotFound, 'that user is not a member', { userId: toUserId });
    }
    this.log.info({ conversationId, by: actor.userId, to: toUserId }, 'group ownership transferred');
    await this.announceUpdated(conversationId, await this.repository.memberIds(conversationId), actor.userId);
  }

  /** `conversation_updated` (title, owner, members as they are now) to `recipients`. */
  private async announceUpdated(conversationId: string, recipients: readonly string[], by: string): Promise<void> {
    const [viewer] = recipients;
    const view = viewer === undefined ? undefined : await this.repository.getConversation(conversationId, viewer);
    if (!view) return;
    const { title, ownerId, members } = view;
    await this.events.updated(recipients, { conversationId, title, ownerId, members }, by);
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

  /** Runs a capped write; a CapExceeded becomes the limit's coded error (counted in metrics). */
  private async capped<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (!(error instanceof CapExceeded)) throw error;
      if (error.cap === 'groups_per_hour') {
        const { groupsPerHour } = this.limits;
        const retryAfterMs = error.oldestAt + HOUR_MS - Date.now();
        throw rateLimited('groups_per_hour', retryAfterMs, `you can create at most ${groupsPerHour} groups an hour`, this.metrics);
      }
      throw overLimit('group_members', `a group can have at most ${this.limits.maxMembers} members`, this.metrics);
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
