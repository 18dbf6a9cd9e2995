/**
 * AuditLog: the one way features record a security-relevant event (who did what to which target).
 * Invariant: `record` never throws into its caller — an audit write that fails is logged, and the
 * operation it describes has already happened (or been refused) either way.
 */
import type { AuditEntry } from '@herald/protocol';
import type { Logger } from 'pino';
import type { AuditLogRepository } from './audit-log-repository.js';

export interface AuditRecord {
  actor: { kind: 'user' | 'api_key' | 'system'; id: string | null };
  /** Dotted, past tense: `api_key.created`, `session.revoked`, `user.role_changed`. */
  action: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

export class AuditLog {
  constructor(
    private readonly repository: AuditLogRepository,
    private readonly log: Pick<Logger, 'error'>,
  ) {}

  /** Append one entry; resolves once written, or once the failure is logged. */
  async record(entry: AuditRecord): Promise<void> {
    try {
      await this.repository.insertAuditEntry({
        actor: entry.actor,
        action: entry.action,
        targetId: entry.targetId ?? null,
        details: entry.details ?? null,
      });
    } catch (error) {
      this.log.error({ err: error, audit: entry }, 'could not write an audit log entry');
    }
  }

  /** The newest `limit` entries before `before` (ms epoch), newest first. */
  list(query: { limit: number; before?: number }): Promise<AuditEntry[]> {
    return this.repository.listAuditEntries(query);
  }
}
