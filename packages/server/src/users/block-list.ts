/**
 * BlockList: blocking between users and the checks that honour it.
 * - Direct conversations: a block either way ends them (neither may open one or send into one),
 *   as in most chat apps: the blocker cannot keep writing to someone who cannot answer.
 * - Groups: nobody can add someone who blocked them (to a new group or an existing one). Groups
 *   both already share are left alone.
 * Each user's blocks are cached per node (the message send path asks on every direct message) and
 * dropped on a `blocks_changed` bus message, which every change publishes after it is stored, so
 * every node honours a block as soon as the bus carries it. This node drops its copies before the
 * change returns, so the caller's next request here already sees it.
 */
import { ErrorCode, HeraldError, type UserSummary } from '@herald/protocol';
import type { Logger } from 'pino';
import type { AccountRepository } from '../auth/account-repository.js';
import type { Bus } from '../bus/bus.js';
import type { BlockRepository } from './block-repository.js';

const CACHE_LIMIT = 50_000;

interface Relations {
  blocked: ReadonlySet<string>;
  blockedBy: ReadonlySet<string>;
}

export class BlockList {
  private readonly cache = new Map<string, Promise<Relations>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly repository: BlockRepository,
    private readonly accounts: Pick<AccountRepository, 'findUserById'>,
    private readonly bus: Bus,
    private readonly log: Logger,
  ) {
    this.unsubscribe = bus.subscribe((message) => {
      if (message.type === 'blocks_changed') this.forget(message.userIds);
    });
  }

  /** `blockerId` blocks `blockedId` (idempotent). Throws `bad_request` for oneself, `not_found` for an unknown user. */
  async block(blockerId: string, blockedId: string): Promise<void> {
    if (blockerId === blockedId) throw new HeraldError(ErrorCode.BadRequest, 'you cannot block yourself');
    if (!(await this.accounts.findUserById(blockedId))) throw new HeraldError(ErrorCode.NotFound, 'user not found');
    if (await this.repository.block(blockerId, blockedId, Date.now())) await this.changed([blockerId, blockedId]);
  }

  /** `blockerId` unblocks `blockedId` (idempotent: unblocking someone not blocked is fine). */
  async unblock(blockerId: string, blockedId: string): Promise<void> {
    if (await this.repository.unblock(blockerId, blockedId)) await this.changed([blockerId, blockedId]);
  }

  /** The users `blockerId` blocked, most recent first. */
  listBlocked(blockerId: string): Promise<UserSummary[]> {
    return this.repository.listBlocked(blockerId);
  }

  /** True when either user blocked the other (from the cache; one lookup per user per node). */
  async eitherBlocked(a: string, b: string): Promise<boolean> {
    const relations = await this.relationsOf(a);
    return relations.blocked.has(b) || relations.blockedBy.has(b);
  }

  /** Throws `forbidden` when a block either way stands between the two users of a direct conversation. */
  async assertDirectAllowed(userId: string, otherId: string): Promise<void> {
    if (!(await this.eitherBlocked(userId, otherId))) return;
    this.log.warn({ userId, otherId }, 'refused: a block stands between the two users');
    throw new HeraldError(ErrorCode.Forbidden, 'you cannot message this user');
  }

  /** Throws `forbidden` when any of `userIds` blocked `actorId` (they cannot be added by them). */
  async assertCanAdd(actorId: string, userIds: readonly string[]): Promise<void> {
    const { blockedBy } = await this.relationsOf(actorId);
    const refusing = userIds.filter((id) => blockedBy.has(id));
    if (refusing.length === 0) return;
    this.log.warn({ userId: actorId, refusing }, 'refused: adding users who blocked the caller');
    throw new HeraldError(ErrorCode.Forbidden, 'you cannot add a user who blocked you');
  }

  /** Drop every cached block list (the bus returned after an outage: a `blocks_changed` may have been missed). */
  forgetAll(): void {
    this.cache.clear();
  }

  close(): void {
    this.unsubscribe();
  }

  private relationsOf(userId: string): Promise<Relations> {
    let cached = this.cache.get(userId);
    if (!cached) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
      cached = this.repository
        .relationsOf(userId)
        .then(({ blocked, blockedBy }) => ({ blocked: new Set(blocked), blockedBy: new Set(blockedBy) }));
      const entry = cached;
      // A failed read is not cached (and a newer entry is not dropped for an older failure).
      entry.catch(() => this.cache.get(userId) === entry && this.cache.delete(userId));
      this.cache.set(userId, entry);
    }
    return cached;
  }

  private forget(userIds: readonly string[]): void {
    for (const id of userIds) this.cache.delete(id);
  }

  /** Drop this node's copies now, then tell every node (this one again, harmlessly). */
  private async changed(userIds: string[]): Promise<void> {
    this.forget(userIds);
    await this.bus.publish({ type: 'blocks_changed', userIds });
  }
}
