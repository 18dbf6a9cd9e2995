/**
 * ProfileRepository: the parts of a user's account they change themselves — display name and
 * avatar (the id of an uploaded image file, or null). Passwords and roles live elsewhere
 * (auth/account-repository.ts); this writes nothing else.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** The fields to change; an absent one is left as it is. */
export interface ProfileChange {
  name?: string;
  avatar?: string | null;
}

export interface ProfileRepository {
  /** Apply `change` to the user; the profile as it is afterwards, or undefined when there is no such user. */
  updateProfile(userId: string, change: ProfileChange): Promise<{ id: string; name: string; avatar: string | null } | undefined>;
}

/** ProfileRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyProfileRepository implements ProfileRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async updateProfile(userId: string, change: ProfileChange): Promise<{ id: string; name: string; avatar: string | null } | undefined> {
    const set: ProfileChange = {};
    if (change.name !== undefined) set.name = change.name;
    if (change.avatar !== undefined) set.avatar = change.avatar;
    if (Object.keys(set).length > 0) await this.db.updateTable('users').set(set).where('id', '=', userId).execute();
    return this.db.selectFrom('users').select(['id', 'name', 'avatar']).where('id', '=', userId).executeTakeFirst();
  }
}
