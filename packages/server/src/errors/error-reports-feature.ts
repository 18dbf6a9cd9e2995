/**
 * Client error reports: `POST /api/v1/errors` stores what a client's error boundary caught
 * (anonymous, or the caller's user when a valid Bearer token comes with it), and admins list
 * them with `GET /api/v1/admin/errors`.
 * Invariants: a report body is at most 64 KiB and each IP may send a limited number per minute, so
 * the endpoint, open to anonymous callers, cannot be used to flood the database; a bad or expired
 * token makes a report anonymous rather than losing it.
 */
import rateLimit from '@fastify/rate-limit';
import { ErrorReportBodySchema } from '@herald/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Feature } from '../feature.js';
import { type Authenticator, requireAdmin } from '../http/bearer.js';
import { parse } from '../http/errors.js';
import type { ErrorReportRepository } from './error-report-repository.js';

/** Largest accepted report body. */
export const ERROR_REPORT_MAX_BYTES = 64 * 1024;

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) });

export interface ErrorReportsDeps {
  reports: ErrorReportRepository;
  authenticate: Authenticator;
  /** Reports each IP may send per minute. */
  rateLimit: number;
}

async function errorReportRoutes(app: FastifyInstance, deps: ErrorReportsDeps): Promise<void> {
  const { reports, authenticate } = deps;
  await app.register(rateLimit, { global: false });

  async function reporter(request: FastifyRequest): Promise<string | null> {
    if (!request.headers.authorization) return null;
    try {
      return (await authenticate(request)).userId;
    } catch {
      return null;
    }
  }

  app.post(
    '/api/v1/errors',
    { bodyLimit: ERROR_REPORT_MAX_BYTES, config: { rateLimit: { max: deps.rateLimit, timeWindow: '1 minute' } } },
    async (request, reply) => {
      const body = parse(ErrorReportBodySchema, request.body);
      const report = await reports.insertErrorReport({ ...body, userId: await reporter(request) });
      request.log.info({ reportId: report.id, userId: report.userId }, 'client error report');
      return reply.status(201).send({ id: report.id });
    },
  );

  app.get('/api/v1/admin/errors', async (request) => {
    await requireAdmin(authenticate, request);
    const { limit } = parse(ListQuery, request.query, 'query');
    return { reports: await reports.listErrorReports(limit) };
  });
}

export function errorReportsFeature(deps: ErrorReportsDeps): Feature {
  return { name: 'error-reports', routes: (app) => errorReportRoutes(app, deps) };
}
