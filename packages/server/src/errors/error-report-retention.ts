/**
 * sweepErrorReports: the retention of client error reports: reports older than
 * HERALD_ERROR_REPORT_RETENTION_DAYS are deleted, and beyond HERALD_ERROR_REPORT_MAX_ROWS the
 * oldest go first. Run every min(retention/4, 10 min) by the error reports feature.
 * Invariants: deletes run in batches of `BATCH` rows (each its own short statement), at most
 * `maxBatches` per run, so a sweep never holds the database for long (a backlog waits for the next
 * run); several nodes may sweep at once (each row is deleted once; counts are each node's own).
 * Between runs the table can pass the row cap by what arrives meanwhile (at most the global rate
 * times the interval).
 */
import type { ErrorReportRepository } from './error-report-repository.js';

const BATCH = 500;

export interface ErrorReportRetention {
  retentionMs: number;
  maxRows: number;
}

/** One sweep; resolves with how many reports this node deleted for age and for the row cap. */
export async function sweepErrorReports(
  reports: ErrorReportRepository,
  retention: ErrorReportRetention,
  now = Date.now(),
  maxBatches = 20,
): Promise<{ expired: number; overCap: number }> {
  let expired = 0;
  let overCap = 0;
  let batches = 0;
  while (batches++ < maxBatches) {
    const deleted = await reports.deleteErrorReportsBefore(now - retention.retentionMs, BATCH);
    expired += deleted;
    if (deleted < BATCH) break;
  }
  while (batches++ < maxBatches) {
    const deleted = await reports.deleteErrorReportsBeyond(retention.maxRows, BATCH);
    overCap += deleted;
    if (deleted < BATCH) break;
  }
  return { expired, overCap };
}
