/**
 * The audit log's one route: `GET /api/v1/admin/audit` lets admins read what the AuditLog recorded,
 * newest first, a page at a time (`before` = the `at` of the last entry of the previous page).
 * Invariant: read-only; nothing here writes the log.
 */
import { restContract } from '@herald/protocol';
import type { Feature } from '../feature.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { AuditLog } from './audit-log.js';

export interface AuditFeatureDeps {
  audit: AuditLog;
  authenticate: Authenticator;
}

export function auditFeature(deps: AuditFeatureDeps): Feature {
  return {
    name: 'audit',
    async routes(app) {
      const route = contractRoutes(app, { authenticate: deps.authenticate });
      route(restContract.admin.auditLog, async ({ query }) => ({
        status: 200,
        body: { entries: await deps.audit.list({ limit: query.limit, ...(query.before !== undefined ? { before: query.before } : {}) }) },
      }));
    },
  };
}
