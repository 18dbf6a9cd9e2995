/**
 * The admin feature: `GET /api/v1/admin/*` and live `stats` frames for admin sockets
 * (`stats_subscribe` / `stats_unsubscribe`). Non-admins are refused with `forbidden`.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { Feature } from '../feature.js';
import { handlerFor } from '../gateway/action-registry.js';
import type { Connection } from '../gateway/connection.js';
import { ack } from '../gateway/server-frame.js';
import { type AdminRoutesDeps, adminRoutes } from './admin-routes.js';
import { StatsCollector, type StatsCollectorDeps } from './stats-collector.js';

/** How often stats are sampled, published on the bus and pushed to subscribers. */
export const STATS_INTERVAL_MS = 1_000;
/** Nodes not heard from for this long drop out of the figures. */
export const STATS_STALE_MS = 5_000;

function assertAdmin(connection: Connection): void {
  if (connection.user?.role === 'admin') return;
  connection.log.warn({ userId: connection.userId }, 'refused: admin frame');
  throw new HeraldError(ErrorCode.Forbidden, 'admins only');
}

export type AdminFeatureDeps = StatsCollectorDeps & Omit<AdminRoutesDeps, 'stats'>;

export function adminFeature(deps: AdminFeatureDeps): Feature {
  const { sessions, nodeId, authenticate, accounts } = deps;
  const stats = new StatsCollector(deps, { intervalMs: STATS_INTERVAL_MS, staleMs: STATS_STALE_MS });
  return {
    name: 'admin',
    routes: (app) => adminRoutes(app, { authenticate, stats, sessions, accounts, nodeId }),
    frames: {
      stats_subscribe: handlerFor('stats_subscribe', async (connection, frame) => {
        assertAdmin(connection);
        stats.subscribe(connection);
        ack(connection, frame, { intervalMs: STATS_INTERVAL_MS });
      }),
      stats_unsubscribe: handlerFor('stats_unsubscribe', async (connection, frame) => {
        assertAdmin(connection);
        stats.unsubscribe(connection);
        ack(connection, frame, {});
      }),
    },
    disconnected: (connection) => stats.unsubscribe(connection),
    close: () => stats.close(),
  };
}
