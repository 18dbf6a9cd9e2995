/**
 * AccountRepository: users and their refresh tokens, the persistence of sign-up, sign-in, roles and
 * account state.
 * Invariants: an email belongs to one user (a second `createUser` with it throws); a refresh token
 * is revoked at most once, and only the call that revoked it hears `true` (so a token rotates once);
 * `createUser` with `firstIsAdmin` makes exactly one admin however many sign-ups race on an empty
 * database (the count and the insert share one serialised transaction).
 */
import { randomUUID } from 'node:crypto';
import type { User } from '@herald/protocol';
import { type Kysely, PostgresAdapter, type Selectable, sql } from 'kysely';
import type { Database, UsersTable } from '../store/schema.js';

export interface UserRecord extends User {
  passwordHash: string;
  /** When an admin disabled the account; null while enabled. */
  disabledAt: number | null;
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
  /** The session it renews; null for tokens from before sessions existed (refused). */
  sessionId: string | null;
  expiresAt: number;
  revokedAt: number | null;
}

export interface AccountRepository {
  /**
   * Insert a user. With `firstIsAdmin`, the user is made `admin` when the table is empty, counted in
   * the same serialised transaction as the insert (so concurrent first sign-ups yield one admin).
   */
  createUser(user: NewUser, options?: { firstIsAdmin?: boolean }): Promise<UserRecord>;
  findUserByEmail(email: string): Promise<UserRecord | undefined>;
  findUserById(id: string): Promise<UserRecord | undefined>;
  findUsersByIds(ids: readonly string[]): Promise<User[]>;
  /**
   * Users whose name contains `query` (case-insensitive, `%` and `_` taken literally), or whose
   * email contains it too with `includeEmail` (an admin's search: others must not probe emails).
   */
  searchUsers(query: string, limit: number, options?: { includeEmail?: boolean }): Promise<UserAccount[]>;
  countUsers(): Promise<number>;
  setUserRole(id: string, role: string): Promise<User | undefined>;
  /** Disable (a timestamp) or enable (null); false when there is no such user. */
  setUserDisabled(id: string, disabledAt: number | null): Promise<boolean>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;

  insertRefreshToken(token: { id: string; userId: string; sessionId: string; tokenHash: string; expiresAt: number }): Promise<void>;
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /** Revoke one token; resolves true only for the call that revoked it (so a token rotates once). */
  revokeRefreshToken(id: string): Promise<boolean>;
  revokeUserRefreshTokens(userId: string): Promise<void>;
}

/** A user with their account state (for an admin's search): everything but the password hash. */
export type UserAccount = User & { disabledAt: number | null };

/** The record without its password hash. */
export function userAccount({ passwordHash: _hash, ...account }: UserRecord): UserAccount {
  return account;
}

/** The user as others may see it on the wire: no password hash, no account state. */
export function publicUser({ passwordHash: _hash, disabledAt: _disabled, ...user }: UserRecord): User {
  return user;
}

/** The advisory lock key that serialises first sign-ups on PostgreSQL (any constant; this one spells "herald"). */
const FIRST_ADMIN_LOCK = 0x686572616c64;

function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    avatar: row.avatar,
    createdAt: Number(row.created_at),
    passwordHash: row.password_hash,
    disabledAt: row.disabled_at === null || row.disabled_at === undefined ? null : Number(row.disabled_at),
  };
}

/** AccountRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyAccountRepository implements AccountRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createUser(user: NewUser, options: { firstIsAdmin?: boolean } = {}): Promise<UserRecord> {
    const row = {
      id: randomUUID(),
      email: user.email,
      name: user.name,
      password_hash: user.passwordHash,
      role: user.role,
      avatar: null,
      created_at: Date.now(),
      disabled_at: null,
    };
    if (!options.firstIsAdmin) {
      await this.db.insertInto('users').values(row).execute();
      return toUser(row);
    }
    return this.db.transaction().execute(async (tx) => {
      // SQLite transactions here are BEGIN IMMEDIATE (one writer at a time); PostgreSQL needs a lock
      // that serialises first sign-ups (an advisory one: it blocks no reader and no other insert).
      if (this.db.getExecutor().adapter instanceof PostgresAdapter) {
        await sql`select pg_advisory_xact_lock(${FIRST_ADMIN_LOCK})`.execute(tx);
      }
      const { n } = await tx
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const first = { ...row, role: Number(n) === 0 ? 'admin' : row.role };
      await tx.insertInto('users').values(first).execute();
      return toUser(first);
    });
  }

  async setUserDisabled(id: string, disabledAt: number | null): Promise<boolean> {
    const result = await this.db.updateTable('users').set({ disabled_at: disabledAt }).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute();
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

  async searchUsers(query: string, limit: number, options: { includeEmail?: boolean } = {}): Promise<UserAccount[]> {
    const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = await this.db
      .selectFrom('users')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', sql<string>`${pattern} escape '\\'`),
          ...(options.includeEmail ? [eb(eb.fn('lower', ['email']), 'like', sql<string>`${pattern} escape '\\'`)] : []),
        ]),
      )
      .orderBy('name')
      .limit(limit)
      .execute();
    return rows.map((r) => userAccount(toUser(r)));
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

  async insertRefreshToken(token: { id: string; userId: string; sessionId: string; tokenHash: string; expiresAt: number }): Promise<void> {
    await this.db
      .insertInto('refresh_tokens')
      .values({
        id: token.id,
        user_id: token.userId,
        session_id: token.sessionId,
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
        sessionId: row.session_id ?? null,
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
