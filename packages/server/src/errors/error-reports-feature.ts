/**
 * Client error reports: `POST /api/v1/errors` stores what a client's error boundary caught
 * (anonymous, or the caller's user when a valid Bearer token comes with it), and admins list
 * them with `GET /api/v1/admin/errors`.
 * Invariants: the endpoint is open to anonymous callers, so what it can add to the database is
 * bounded three ways: a report body is at most `maxBytes` (413 `error_report_size`, refused from
 * its Content-Length before it is read); each IP may send `perIpPerMinute` reports and all sources
 * together `perMinute` (429 `error_reports_ip` / `error_reports_global`, counted in the CounterStore,
 * so both hold across every node when Redis is configured); and a periodic sweep deletes reports
 * past their retention and the oldest beyond the row cap (error-report-retention.ts). A bad or
 * expired token makes a report anonymous rather than losing it.
 */
import { restContract } from '@herald/protocol';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { AccountRepository } from '../auth/account-repository.js';
import type { Feature } from '../feature.js';
import type { Authenticator } from '../http/bearer.js';
import { contractRoutes } from '../http/contract-routes.js';
import type { CounterStore } from '../limits/counter-store.js';
import { overLimit, rateLimited } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';
import { PeriodicTask, sweepIntervalFor } from '../util/periodic-task.js';
import type { ErrorReportRepository } from './error-report-repository.js';
import { sweepErrorReports } from './error-report-retention.js';

export interface ErrorReportsDeps {
  reports: ErrorReportRepository;
  /** Names for the admin list (a report stores the user id only). */
  accounts: Pick<AccountRepository, 'findUserById'>;
  authenticate: Authenticator;
  counters: CounterStore;
  metrics: Pick<Metrics, 'limitRejections'>;
  log: Logger;
  /** Reports each IP may send per window. */
  perIpPerMinute: number;
  limits: {
    /** Largest accepted report body. */
    maxBytes: number;
    /** Reports all sources together may send per window. */
    perMinute: number;
    retentionMs: number;
    maxRows: number;
    /** The rate window (one minute; shorter only in tests). */
    windowMs?: number | undefined;
  };
}

async function errorReportRoutes(app: FastifyInstance, deps: ErrorReportsDeps): Promise<void> {
  const { reports, authenticate, counters, metrics, limits } = deps;
  const route = contractRoutes(app, { authenticate });
  const windowMs = limits.windowMs ?? 60_000;

  /** Per IP first, so one address spending its own budget does not eat into everyone's. */
  async function admit(request: FastifyRequest): Promise<void> {
    const ip = await counters.hit(`error_reports_ip:${request.ip}`, windowMs);
    if (ip.count > deps.perIpPerMinute) {
      throw rateLimited('error_reports_ip', ip.resetInMs, 'too many error reports from this address; try again later', metrics);
    }
    const all = await counters.hit('error_reports_global', windowMs);
    if (all.count > limits.perMinute) {
      throw rateLimited('error_reports_global', all.resetInMs, 'too many error reports right now; try again later', metrics);
    }
  }

  route(
    restContract.errors.report,
    {
      bodyLimit: limits.maxBytes,
      onRequest: admit,
      // Fastify refuses a body over bodyLimit (from its Content-Length, or once a chunked one passes it).
      errorHandler: (error: FastifyError) => {
        if (error.statusCode === 413)
          throw overLimit('error_report_size', `error reports may be at most ${limits.maxBytes} bytes`, metrics);
        throw error;
      },
    },
    async ({ actor, body, request }) => {
      const report = await reports.insertErrorReport({ ...body, userId: actor?.userId ?? null });
      request.log.info({ reportId: report.id, userId: report.userId }, 'client error report');
      return { status: 201, body: { id: report.id } };
    },
  );

  route(restContract.admin.errorReports, async ({ query }) => {
    const listed = await reports.listErrorReports(query.limit);
    // Names as they are now, one lookup per distinct user (a page holds at most a few hundred reports).
    const ids = [...new Set(listed.flatMap((report) => report.userId ?? []))];
    const names = new Map(await Promise.all(ids.map(async (id) => [id, (await deps.accounts.findUserById(id))?.name ?? null] as const)));
    return {
      status: 200,
      body: {
        reports: listed.map((report) => ({ ...report, userName: report.userId === null ? null : (names.get(report.userId) ?? null) })),
      },
    };
  });
}

export function errorReportsFeature(deps: ErrorReportsDeps): Feature {
  const { limits } = deps;
  const sweep = new PeriodicTask(
    async () => {
      const deleted = await sweepErrorReports(deps.reports, limits);
      if (deleted.expired + deleted.overCap > 0) deps.log.info(deleted, 'deleted old client error reports');
    },
    sweepIntervalFor(limits.retentionMs),
    (error) => deps.log.warn({ err: error }, 'error report retention sweep failed; the next run retries'),
  );
  return {
    name: 'error-reports',
    async routes(app) {
      await errorReportRoutes(app, deps);
      sweep.start();
    },
    close: () => sweep.stop(),
  };
}
