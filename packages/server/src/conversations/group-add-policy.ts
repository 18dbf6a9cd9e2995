/**
 * GroupAddPolicy: who may put whom into a group (creating it with them, or adding them later).
 * The rule, as in most messengers that stop "group spam": you may add someone only if you already
 * share a conversation with them (a direct one, or a group) — everyone else first gets a direct
 * message from you, which they can answer, ignore or block. A block either way stands between two
 * users for good: neither may add the other, contacts or not. Admins (who manage members for the
 * organisation, as documented) skip the contact rule but not blocks.
 * Refusals are `forbidden` with `details.reason` (`blocked` / `not_a_contact`) and the user ids, so a
 * client can say who and why; nothing is added when any one of them is refused.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Actor } from '../auth/actor.js';
import type { BlockList } from '../users/block-list.js';
import type { ConversationRepository } from './conversation-repository.js';

export class GroupAddPolicy {
  constructor(
    private readonly contacts: Pick<ConversationRepository, 'contactsAmong'>,
    private readonly blocks: Pick<BlockList, 'eitherBlocked' | 'assertCanAdd'>,
    private readonly log: Logger,
    /** `anyone` (HERALD_GROUP_ADD) drops the contact rule; blocks hold either way. */
    private readonly rule: 'contacts' | 'anyone' = 'contacts',
  ) {}

  /** Throws `forbidden` unless `actor` may add every one of `userIds` (the actor themself is skipped). */
  async assertMayAdd(actor: Actor, userIds: readonly string[]): Promise<void> {
    const others = [...new Set(userIds)].filter((id) => id !== actor.userId);
    if (others.length === 0) return;
    // Kept first: its message ("… who blocked you") is what clients have been shown so far.
    await this.blocks.assertCanAdd(actor.userId, others);
    const blocked: string[] = [];
    for (const id of others) if (await this.blocks.eitherBlocked(actor.userId, id)) blocked.push(id);
    if (blocked.length > 0) {
      this.log.warn({ userId: actor.userId, blocked }, 'refused: adding users the caller blocked');
      throw new HeraldError(ErrorCode.Forbidden, 'you cannot add a user you blocked', { reason: 'blocked', userIds: blocked });
    }
    if (actor.role === 'admin' || this.rule === 'anyone') return;
    const known = new Set(await this.contacts.contactsAmong(actor.userId, others));
    const strangers = others.filter((id) => !known.has(id));
    if (strangers.length === 0) return;
    this.log.warn({ userId: actor.userId, strangers }, 'refused: adding users who share no conversation with the caller');
    throw new HeraldError(
      ErrorCode.Forbidden,
      'you can only add people you already share a conversation with; message them directly first',
      {
        reason: 'not_a_contact',
        userIds: strangers,
      },
    );
  }
}
