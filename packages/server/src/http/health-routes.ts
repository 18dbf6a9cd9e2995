/**
 * Operations endpoints: GET /api/v1/health (liveness + readiness of database and bus) and GET /metrics.
 */
import { restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { Bus } from '../bus/bus.js';
import type { Metrics } from '../metrics.js';
import type { DatabaseHandle } from '../store/database-handle.js';
import { contractRoutes } from './contract-routes.js';

export interface HealthDeps {
  database: Pick<DatabaseHandle, 'ping' | 'dialect'>;
  bus: Bus;
  metrics: Metrics;
  nodeId: string;
  startedAt: number;
  isShuttingDown: () => boolean;
}

async function check(probe: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  try {
    await probe();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

export async function healthRoutes(app: FastifyInstance, deps: HealthDeps): Promise<void> {
  const route = contractRoutes(app);

  route(restContract.ops.health, async () => {
    const [database, bus] = await Promise.all([check(() => deps.database.ping()), check(() => deps.bus.ping())]);
    const ready = database.ok && bus.ok && !deps.isShuttingDown();
    return {
      status: ready ? 200 : 503,
      body: {
        status: ready ? 'ok' : 'unavailable',
        live: true,
        ready,
        nodeId: deps.nodeId,
        uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
        checks: { database: { ...database, dialect: deps.database.dialect }, bus: { ...bus, kind: deps.bus.kind } },
      },
    };
  });

  route(restContract.ops.metrics, async ({ reply }) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return reply.send(await deps.metrics.registry.metrics());
  });
}
