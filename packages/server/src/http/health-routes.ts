/**
 * Operations endpoints: liveness (GET /api/v1/health/live: the process serves HTTP), readiness
 * (GET /api/v1/health/ready: the database answers and the node is not draining), the full report
 * (GET /api/v1/health) and GET /metrics (with the bus's state and queue length).
 * Invariant: a down bus never fails readiness: the node still serves its own clients, commits and
 * acknowledges, and queues for other nodes; it is reported as `degraded`.
 */
import { restContract } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { Gauge } from 'prom-client';
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
  registerBusMetrics(deps.metrics, deps.bus);

  route(restContract.ops.live, async () => ({ status: 200, body: { live: true, nodeId: deps.nodeId } }));

  route(restContract.ops.ready, async () => {
    const database = await check(() => deps.database.ping());
    const reasons: ('database' | 'draining')[] = [];
    if (!database.ok) reasons.push('database');
    if (deps.isShuttingDown()) reasons.push('draining');
    const ready = reasons.length === 0;
    return { status: ready ? 200 : 503, body: { ready, nodeId: deps.nodeId, reasons } };
  });

  route(restContract.ops.health, async () => {
    const database = await check(() => deps.database.ping());
    const bus = deps.bus.status();
    const draining = deps.isShuttingDown();
    const ready = database.ok && !draining;
    const degraded = bus.state === 'degraded';
    return {
      status: ready ? 200 : 503,
      body: {
        status: !ready ? 'unavailable' : degraded ? 'degraded' : 'ok',
        live: true,
        ready,
        draining,
        nodeId: deps.nodeId,
        uptimeSeconds: Math.round((Date.now() - deps.startedAt) / 1000),
        checks: {
          database: { ...database, dialect: deps.database.dialect },
          bus: {
            ok: !degraded,
            ...(bus.error === undefined ? {} : { error: bus.error }),
            kind: deps.bus.kind,
            degraded,
            queued: bus.queued,
            dropped: bus.dropped,
          },
        },
      },
    };
  });

  route(restContract.ops.metrics, async ({ reply }) => {
    reply.header('content-type', deps.metrics.registry.contentType);
    return reply.send(await deps.metrics.registry.metrics());
  });
}

/** herald_bus_up (1 ok, 0 degraded), herald_bus_queued and herald_bus_dropped_total, read from the bus at scrape time. */
function registerBusMetrics(metrics: Metrics, bus: Bus): void {
  new Gauge({
    name: 'herald_bus_up',
    help: 'The bus reaches other nodes (1) or is degraded (0: local delivery only, publishes queued)',
    registers: [metrics.registry],
    collect() {
      this.set(bus.status().state === 'ok' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'herald_bus_queued',
    help: 'Bus messages waiting to be sent to other nodes',
    registers: [metrics.registry],
    collect() {
      this.set(bus.status().queued);
    },
  });
  new Gauge({
    name: 'herald_bus_dropped_total',
    help: 'Bus messages not sent to other nodes (node stats and presence while down, or the queue full)',
    registers: [metrics.registry],
    collect() {
      this.set(bus.status().dropped);
    },
  });
}
