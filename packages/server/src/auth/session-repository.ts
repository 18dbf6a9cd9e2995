/**
 * SessionRepository: signed-in devices. A session is what an access token (`sid`) and its refresh
 * tokens belong to; ending it ends them.
 * Invariants: a session is revoked at most once (its first reason stays); `liveSessions` lists only
 * sessions neither revoked nor past their absolute expiry; nothing here deletes a row, so a
 * revoked session can still explain itself (`revokedReason`).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database, SessionsTable } from '../store/schema.js';

export interface SessionRecord {
  id: string;
  userId: string;
  deviceName: string | null;
  userAgent: string | null;
  ip: string | null;
  createdAt: number;
  lastUsedAt: number;
  /** Absolute end: no refresh extends the session past it. */
  expiresAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
}

export interface NewSession {
  userId: string;
  deviceName: string | null;
  userAgent: string | null;
  ip: string | null;
  expiresAt: number;
}

export interface SessionRepository {
  createSession(session: NewSession): Promise<SessionRecord>;
  findSession(id: string): Promise<SessionRecord | undefined>;
  /** The user's sessions that are neither revoked nor expired, most recently used first. */
  liveSessions(userId: string, now: number): Promise<SessionRecord[]>;
  touchSession(id: string, at: number): Promise<void>;
  /** Revoke one session; true only for the call that revoked it. */
  revokeSession(id: string, reason: string): Promise<boolean>;
  /** Revoke every live session of a user (but `exceptId`); resolves with the ids it revoked. */
  revokeUserSessions(userId: string, reason: string, exceptId?: string): Promise<string[]>;
}

function toSession(row: Selectable<SessionsTable>): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    deviceName: row.device_name,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: Number(row.created_at),
    lastUsedAt: Number(row.last_used_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    revokedReason: row.revoked_reason,
  };
}

/** SessionRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselySessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createSession(session: NewSession): Promise<SessionRecord> {
    const now = Date.now();
    const row = {
      id: randomUUID(),
      user_id: session.userId,
      device_name: session.deviceName,
      user_agent: session.userAgent,
      ip: session.ip,
      created_at: now,
      last_used_at: now,
      expires_at: session.expiresAt,
      revoked_at: null,
      revoked_reason: null,
    };
    await this.db.insertInto('sessions').values(row).execute();
    return toSession(row);
  }

  async findSession(id: string): Promise<SessionRecord | undefined> {
    const row = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  }

  async liveSessions(userId: string, now: number): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', now)
      .orderBy('last_used_at', 'desc')
      .execute();
    return rows.map(toSession);
  }

  async touchSession(id: string, at: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_used_at: at }).where('id', '=', id).where('last_used_at', '<', at).execute();
  }

  async revokeSession(id: string, reason: string): Promise<boolean> {
    const result = await this.db
      .updateTable('sessions')
      .set({ revoked_at: Date.now(), revoked_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async revokeUserSessions(userId: string, reason: string, exceptId?: string): Promise<string[]> {
    let query = this.db
      .updateTable('sessions')
      .set({ revoked_at: Date.now(), revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    const rows = await query.returning('id').execute();
    return rows.map((r) => r.id);
  }
}
