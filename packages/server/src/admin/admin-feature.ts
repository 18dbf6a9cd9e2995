/**
 * The admin feature: `GET /api/v1/admin/*` and live `stats` frames for admin sockets
 * (`stats_subscribe` / `stats_unsubscribe`). Non-admins are refused with `forbidden`.
 * Invariant: the role is the current one (the Authority's, bus-invalidated), never the one the
 * socket authenticated with; an admin demoted while streaming stats gets a `forbidden` error frame
 * and no further `stats` frame.
 */
import { ErrorCode, HeraldError } from '@herald/protocol';
import type { Authority } from '../auth/authority.js';
import type { Feature } from '../feature.js';
import { handlerFor } from '../gateway/action-registry.js';
import type { Connection } from '../gateway/connection.js';
import { ack } from '../gateway/server-frame.js';
import { type AdminRoutesDeps, adminRoutes } from './admin-routes.js';
import { ClusterSessions } from './cluster-sessions.js';
import { StatsCollector, type StatsCollectorDeps } from './stats-collector.js';

/** How often stats are sampled, published on the bus and pushed to subscribers. */
export const STATS_INTERVAL_MS = 1_000;
/** Nodes not heard from for this long drop out of the figures. */
export const STATS_STALE_MS = 5_000;
/** How long a cluster-wide sessions question waits for the other nodes' answers. */
export const SESSIONS_QUERY_TIMEOUT_MS = 1_500;

export type AdminFeatureDeps = StatsCollectorDeps &
  Omit<AdminRoutesDeps, 'stats' | 'cluster'> & {
    /** The role as it is now (cached, dropped on `user_changed`): what admin frames are checked against. */
    authority: Pick<Authority, 'roleOf'>;
  };

export function adminFeature(deps: AdminFeatureDeps): Feature {
  const { sessions, nodeId, authenticate, accounts, authority, bus } = deps;
  const stats = new StatsCollector(deps, { intervalMs: STATS_INTERVAL_MS, staleMs: STATS_STALE_MS });
  const cluster = new ClusterSessions({ bus, sessions, nodeId, otherNodes: () => stats.otherNodes() }, SESSIONS_QUERY_TIMEOUT_MS);

  async function assertAdmin(connection: Connection, userId: string): Promise<void> {
    if ((await authority.roleOf(userId)) === 'admin') return;
    connection.log.warn({ userId }, 'refused: admin frame');
    throw new HeraldError(ErrorCode.Forbidden, 'admins only');
  }

  return {
    name: 'admin',
    routes: (app) => adminRoutes(app, { authenticate, stats, cluster, accounts }),
    frames: {
      stats_subscribe: handlerFor('stats_subscribe', async (connection, frame, userId) => {
        await assertAdmin(connection, userId);
        stats.subscribe(connection);
        ack(connection, frame, { intervalMs: STATS_INTERVAL_MS });
      }),
      stats_unsubscribe: handlerFor('stats_unsubscribe', async (connection, frame, userId) => {
        await assertAdmin(connection, userId);
        stats.unsubscribe(connection);
        ack(connection, frame, {});
      }),
    },
    disconnected: (connection) => stats.unsubscribe(connection),
    // A demoted admin's stream ends at once (the next stats_subscribe is refused by assertAdmin).
    accountChanged: (connection) => {
      if (connection.user?.role === 'admin' || !stats.unsubscribe(connection)) return;
      connection.sendError(new HeraldError(ErrorCode.Forbidden, 'stats stream ended: admins only'));
    },
    close: () => {
      stats.close();
      cluster.close();
    },
  };
}
