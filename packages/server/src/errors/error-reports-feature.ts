/**
 * Client error reports: `POST /api/v1/errors` stores what a client's error boundary caught
 * (anonymous, or the caller's user when a valid Bearer token comes with it), and admins list
 * them with `GET /api/v1/admin/errors`.
 * Invariants: a report body is at most 64 KiB and each IP may send a limited number per minute, so
 * the endpoint, open to anonymous callers, cannot be used to flood the database; a bad or expired
 * token makes a report anonymous rather than losing it.
 */
import rateLimit from '@fastify/rate-limit';
import { restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { Feature } from '../feature.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { ErrorReportRepository } from './error-report-repository.js';

/** Largest accepted report body. */
export const ERROR_REPORT_MAX_BYTES = 64 * 1024;

export interface ErrorReportsDeps {
  reports: ErrorReportRepository;
  authenticate: Authenticator;
  /** Reports each IP may send per minute. */
  rateLimit: number;
}

async function errorReportRoutes(app: FastifyInstance, deps: ErrorReportsDeps): Promise<void> {
  const { reports, authenticate } = deps;
  const route = contractRoutes(app, { authenticate });
  await app.register(rateLimit, { global: false });

  route(
    restContract.errors.report,
    { bodyLimit: ERROR_REPORT_MAX_BYTES, config: { rateLimit: { max: deps.rateLimit, timeWindow: '1 minute' } } },
    async ({ actor, body, request }) => {
      const report = await reports.insertErrorReport({ ...body, userId: actor?.userId ?? null });
      request.log.info({ reportId: report.id, userId: report.userId }, 'client error report');
      return { status: 201, body: { id: report.id } };
    },
  );

  route(restContract.admin.errorReports, async ({ query }) => ({
    status: 200,
    body: { reports: await reports.listErrorReports(query.limit) },
  }));
}

export function errorReportsFeature(deps: ErrorReportsDeps): Feature {
  return { name: 'error-reports', routes: (app) => errorReportRoutes(app, deps) };
}
