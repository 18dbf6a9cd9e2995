/**
 * AccountRepository: users and their refresh tokens, the persistence of sign-up, sign-in and roles.
 * Invariants: an email belongs to one user (a second `createUser` with it throws); a refresh token
 * is revoked at most once, and only the call that revoked it hears `true` (so a token rotates once).
 */
import { randomUUID } from 'node:crypto';
import type { User } from '@herald/protocol';
import { type Kysely, type Selectable, sql } from 'kysely';
import type { Database, UsersTable } from '../store/schema.js';

export interface UserRecord extends User {
  passwordHash: string;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: string;
}

export interface RefreshTokenRecord {
  id: string;
  userId: string;
  expiresAt: number;
  revokedAt: number | null;
}

export interface AccountRepository {
  createUser(user: NewUser): Promise<UserRecord>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  findUsersByIds(ids: readonly string[]): Promise<User[]>;
  /** Users whose name or email contains `query` (case-insensitive, `%` and `_` taken literally). */
  searchUsers(query: string, limit: number): Promise<User[]>;
  countUsers(): Promise<number>;
  setUserRole(id: string, role: string): Promise<User | undefined>;

  insertRefreshToken(token: { id: string; userId: string; tokenHash: string; expiresAt: number }): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Revoke one token; resolves true only for the call that revoked it (so a token rotates once). */
  revokeRefreshToken(id: string): Promise<boolean>;
  revokeUserRefreshTokens(userId: string): Promise<void>;
}

function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    avatar: row.avatar,
    createdAt: Number(row.created_at),
    passwordHash: row.password_hash,
  };
}

function publicUser({ passwordHash: _hidden, ...user }: UserRecord): User {
  return user;
}

/** AccountRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyAccountRepository implements AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createUser(user: NewUser): Promise<UserRecord> {
    const row = {
      id: randomUUID(),
      email: user.email,
      name: user.name,
      password_hash: user.passwordHash,
      role: user.role,
      avatar: null,
      created_at: Date.now(),
    };
    await this.db.insertInto('users').values(row).execute();
    return toUser(row);
  }

  async findUserByEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row && toUser(row);
  }

  async findUserById(id: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async findUsersByIds(ids: readonly string[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', ids).execute();
    return rows.map((r) => publicUser(toUser(r)));
  }

  async searchUsers(query: string, limit: number): Promise<User[]> {
    const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', sql<string>`${pattern} escape '\\'`),
          eb(eb.fn('lower', ['email']), 'like', sql<string>`${pattern} escape '\\'`),
        ]),
      )
      .orderBy('name')
      .limit(limit)
      .execute();
    return rows.map((r) => publicUser(toUser(r)));
  }

  async countUsers(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setUserRole(id: string, role: string): Promise<User | undefined> {
    await this.db.updateTable('users').set({ role }).where('id', '=', id).execute();
    const user = await this.findUserById(id);
    return user && publicUser(user);
  }

  async insertRefreshToken(token: { id: string; userId: string; tokenHash: string; expiresAt: number }): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        id: token.id,
        user_id: token.userId,
        token_hash: token.tokenHash,
        expires_at: token.expiresAt,
        revoked_at: null,
        created_at: Date.now(),
      })
      .execute();
  }

  async findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return (
      row && {
        id: row.id,
        userId: row.user_id,
        expiresAt: Number(row.expires_at),
        revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
      }
    );
  }

  async revokeRefreshToken(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: Date.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revokeUserRefreshTokens(userId: string): Promise<void> {
    await this.db
      .updateTable('refresh_tokens')
      .set({ revoked_at: Date.now() })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .execute();
  }
}
