/**
 * AuditLogRepository: the security-relevant events of the server (API keys, sessions, roles,
 * accounts), append-only.
 * Invariants: entries are never updated or deleted here; `at` on one node is strictly increasing,
 * so newest-first is recording order within a millisecond too, and a `before` cursor taken from
 * one page never skips an entry this node wrote.
 */
import { randomUUID } from 'node:crypto';
import type { AuditActor, AuditEntry } from '@herald/protocol';
import type { Kysely, Selectable } from 'kysely';
import type { AuditLogTable, Database } from '../store/schema.js';

export interface NewAuditEntry {
  actor: AuditActor;
  action: string;
  targetId: string | null;
  details: Record<string, unknown> | null;
}

export interface AuditLogRepository {
  insertAuditEntry(entry: NewAuditEntry): Promise<AuditEntry>;
  /** The newest `limit` entries recorded strictly before `before` (ms epoch; omitted = all), newest first. */
  listAuditEntries(query: { limit: number; before?: number }): Promise<AuditEntry[]>;
}

function toAuditEntry(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    id: row.id,
    at: Number(row.at),
    actor: { kind: row.actor_kind, id: row.actor_id },
    action: row.action,
    targetId: row.target_id,
    details: row.details === null ? null : parseDetails(row.details),
  };
}

function parseDetails(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    // Written by this class as JSON, so only a hand-edited row lands here: show it, do not fail the page.
    return { unparsed: text };
  }
}

/** AuditLogRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyAuditLogRepository implements AuditLogRepository {
  /** Last entry time on this node. */
  private lastAt = 0;

  constructor(private readonly db: Kysely<Database>) {}

  async insertAuditEntry(entry: NewAuditEntry): Promise<AuditEntry> {
    this.lastAt = Math.max(Date.now(), this.lastAt + 1);
    const row = {
      id: randomUUID(),
      at: this.lastAt,
      actor_kind: entry.actor.kind,
      actor_id: entry.actor.id,
      action: entry.action,
      target_id: entry.targetId,
      details: entry.details === null ? null : JSON.stringify(entry.details),
    };
    await this.db.insertInto('audit_log').values(row).execute();
    return toAuditEntry(row);
  }

  async listAuditEntries(query: { limit: number; before?: number }): Promise<AuditEntry[]> {
    let select = this.db.selectFrom('audit_log').selectAll();
    if (query.before !== undefined) select = select.where('at', '<', query.before);
    const rows = await select.orderBy('at', 'desc').orderBy('id', 'desc').limit(query.limit).execute();
    return rows.map(toAuditEntry);
  }
}
