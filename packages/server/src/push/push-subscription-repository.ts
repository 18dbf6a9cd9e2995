/**
 * PushSubscriptionRepository: each device's Web Push subscription (endpoint, keys, label, preview).
 * Invariants: an endpoint is stored once (unique); subscribing an endpoint again updates that row
 * and moves it to whoever subscribed last (a browser's endpoint belongs to the account signed in on
 * it now, never to two accounts); a user keeps at most `maxPerUser`, the least recently updated
 * going first; removing what is not there changes nothing.
 */
import { randomUUID } from 'node:crypto';
import type { PushSubscriptionView } from '@herald/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { Database, PushSubscriptionsTable } from '../store/schema.js';

export interface NewPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string;
  preview: boolean;
}

/** A subscription with its keys: what the notifier encrypts for. */
export interface StoredPushSubscription extends PushSubscriptionView {
  userId: string;
  keys: { p256dh: string; auth: string };
}

export interface PushSubscriptionRepository {
  /** Insert, or update the row with this endpoint; `created` tells which. Past `maxPerUser` the oldest of the user's go. */
  upsert(
    userId: string,
    input: NewPushSubscription,
    now: number,
    maxPerUser: number,
  ): Promise<{ subscription: StoredPushSubscription; created: boolean }>;
  /** The user's subscriptions, most recently updated first. */
  listForUser(userId: string): Promise<StoredPushSubscription[]>;
  /** Remove one of the user's subscriptions; false when it is not theirs or not there. */
  remove(userId: string, id: string): Promise<boolean>;
  /** Remove a subscription by endpoint (the push service said it is gone); false when it was not there. */
  removeByEndpoint(endpoint: string): Promise<boolean>;
}

function toStored(row: Selectable<PushSubscriptionsTable>): StoredPushSubscription {
  return {
    id: row.id,
    userId: row.user_id,
    endpoint: row.endpoint,
    label: row.label,
    preview: Number(row.preview) === 1,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    keys: { p256dh: row.p256dh, auth: row.auth },
  };
}

/** PushSubscriptionRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyPushSubscriptionRepository implements PushSubscriptionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async upsert(
    userId: string,
    input: NewPushSubscription,
    now: number,
    maxPerUser: number,
  ): Promise<{ subscription: StoredPushSubscription; created: boolean }> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('push_subscriptions').select('id').where('endpoint', '=', input.endpoint).executeTakeFirst();
      const values = {
        user_id: userId,
        p256dh: input.p256dh,
        auth: input.auth,
        label: input.label,
        preview: input.preview ? 1 : 0,
        updated_at: now,
      };
      if (existing) {
        await trx.updateTable('push_subscriptions').set(values).where('id', '=', existing.id).execute();
      } else {
        // A concurrent first subscribe of the same endpoint updates instead of failing on the unique index.
        await trx
          .insertInto('push_subscriptions')
          .values({ id: randomUUID(), endpoint: input.endpoint, created_at: now, ...values })
          .onConflict((oc) => oc.column('endpoint').doUpdateSet(values))
          .execute();
      }
      const stale = await trx
        .selectFrom('push_subscriptions')
        .select('id')
        .where('user_id', '=', userId)
        .orderBy('updated_at', 'desc')
        .orderBy('id', 'desc')
        .offset(maxPerUser)
        .limit(1000)
        .execute();
      if (stale.length > 0)
        await trx
          .deleteFrom('push_subscriptions')
          .where(
            'id',
            'in',
            stale.map((s) => s.id),
          )
          .execute();
      const row = await trx.selectFrom('push_subscriptions').selectAll().where('endpoint', '=', input.endpoint).executeTakeFirstOrThrow();
      return { subscription: toStored(row), created: !existing };
    });
  }

  async listForUser(userId: string): Promise<StoredPushSubscription[]> {
    const rows = await this.db
      .selectFrom('push_subscriptions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('updated_at', 'desc')
      .orderBy('id', 'desc')
      .execute();
    return rows.map(toStored);
  }

  async remove(userId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('push_subscriptions').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async removeByEndpoint(endpoint: string): Promise<boolean> {
    const result = await this.db.deleteFrom('push_subscriptions').where('endpoint', '=', endpoint).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
