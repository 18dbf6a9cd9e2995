/**
 * BlockRepository: who blocked whom (table `user_blocks`, one row per blocker and blocked user).
 * Invariants: a pair is stored at most once (the primary key), so blocking twice changes nothing
 * and keeps the first time; unblocking what is not blocked changes nothing; a user's rows go with
 * the user (foreign keys cascade).
 */
import type { UserSummary } from '@herald/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** One user's blocks, both ways. */
export interface BlockRelations {
  /** Users this user blocked. */
  blocked: string[];
  /** Users who blocked this user. */
  blockedBy: string[];
}

export interface BlockRepository {
  /** Record that `blockerId` blocked `blockedId`; true when this call created the block, false when it stood already. */
  block(blockerId: string, blockedId: string, at: number): Promise<boolean>;
  /** Remove the block; true when there was one. */
  unblock(blockerId: string, blockedId: string): Promise<boolean>;
  /** The users `blockerId` blocked, most recently blocked first. */
  listBlocked(blockerId: string): Promise<UserSummary[]>;
  /** The user's blocks both ways (what a node caches to check a send). */
  relationsOf(userId: string): Promise<BlockRelations>;
}

/** BlockRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyBlockRepository implements BlockRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async block(blockerId: string, blockedId: string, at: number): Promise<boolean> {
    const result = await this.db
      .insertInto('user_blocks')
      .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: at })
      .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('user_blocks')
      .where('blocker_id', '=', blockerId)
      .where('blocked_id', '=', blockedId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listBlocked(blockerId: string): Promise<UserSummary[]> {
    const rows = await this.db
      .selectFrom('user_blocks as b')
      .innerJoin('users as u', 'u.id', 'b.blocked_id')
      .select(['u.id', 'u.name', 'u.avatar'])
      .where('b.blocker_id', '=', blockerId)
      .orderBy('b.created_at', 'desc')
      .orderBy('u.id')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.name, avatar: r.avatar }));
  }

  async relationsOf(userId: string): Promise<BlockRelations> {
    const rows = await this.db
      .selectFrom('user_blocks')
      .select(['blocker_id', 'blocked_id'])
      .where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)]))
      .execute();
    const relations: BlockRelations = { blocked: [], blockedBy: [] };
    for (const row of rows) {
      if (row.blocker_id === userId) relations.blocked.push(row.blocked_id);
      else relations.blockedBy.push(row.blocker_id);
    }
    return relations;
  }
}
