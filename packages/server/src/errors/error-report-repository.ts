/**
 * ErrorReportRepository: what clients' error boundaries caught, for admins to read, and the
 * retention deletes that bound it.
 * Invariants: report times on one node are strictly increasing, so newest-first is arrival order
 * within a millisecond too; every delete takes at most `limit` rows (one short statement, never a
 * long write lock), oldest first, and concurrent deletes (several nodes sweeping) never fail.
 */
import { randomUUID } from 'node:crypto';
import type { ErrorReport, ErrorReportBody } from '@herald/protocol';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface ErrorReportRepository {
  insertErrorReport(report: ErrorReportBody & { userId: string | null }): Promise<ErrorReport>;
  /** The newest `limit` reports, newest first. */
  listErrorReports(limit: number): Promise<ErrorReport[]>;
  /** Delete up to `limit` of the oldest reports made before `before`; how many were deleted. */
  deleteErrorReportsBefore(before: number, limit: number): Promise<number>;
  /** Delete up to `limit` of the oldest reports beyond the newest `keep`; how many were deleted. */
  deleteErrorReportsBeyond(keep: number, limit: number): Promise<number>;
}

/** ErrorReportRepository on Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyErrorReportRepository implements ErrorReportRepository {
  /** Last report time on this node. */
  private lastReportAt = 0;

  constructor(private readonly db: Kysely<Database>) {}

  async insertErrorReport(report: ErrorReportBody & { userId: string | null }): Promise<ErrorReport> {
    this.lastReportAt = Math.max(Date.now(), this.lastReportAt + 1);
    const row = {
      id: randomUUID(),
      user_id: report.userId,
      message: report.message,
      stack: report.stack ?? null,
      component_stack: report.componentStack ?? null,
      url: report.url ?? null,
      user_agent: report.userAgent ?? null,
      created_at: this.lastReportAt,
    };
    await this.db.insertInto('error_reports').values(row).execute();
    return { ...report, id: row.id, userId: row.user_id, createdAt: row.created_at };
  }

  async deleteErrorReportsBefore(before: number, limit: number): Promise<number> {
    const oldest = this.db.selectFrom('error_reports').select('id').where('created_at', '<', before).orderBy('created_at').limit(limit);
    const result = await this.db.deleteFrom('error_reports').where('id', 'in', oldest).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteErrorReportsBeyond(keep: number, limit: number): Promise<number> {
    const beyond = this.db
      .selectFrom('error_reports')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .offset(keep);
    const result = await this.db.deleteFrom('error_reports').where('id', 'in', beyond).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async listErrorReports(limit: number): Promise<ErrorReport[]> {
    const rows = await this.db.selectFrom('error_reports').selectAll().orderBy('created_at', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      message: r.message,
      ...(r.stack !== null ? { stack: r.stack } : {}),
      ...(r.component_stack !== null ? { componentStack: r.component_stack } : {}),
      ...(r.url !== null ? { url: r.url } : {}),
      ...(r.user_agent !== null ? { userAgent: r.user_agent } : {}),
      createdAt: Number(r.created_at),
    }));
  }
}
