/**
 * Prometheus metrics for one server instance (its own registry, so several servers can share a process).
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({
    name: 'herald_connections',
    help: 'Open WebSocket connections (authenticated or not)',
    registers: [this.registry],
  });
  readonly framesIn = new Counter({
    name: 'herald_frames_in_total',
    help: 'Frames received from clients',
    labelNames: ['action'] as const,
    registers: [this.registry],
  });
  readonly framesOut = new Counter({ name: 'herald_frames_out_total', help: 'Frames sent to clients', registers: [this.registry] });
  readonly rejectedFrames = new Counter({
    name: 'herald_rejected_frames_total',
    help: 'Client frames answered with an error, by error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly limitRejections = new Counter({
    name: 'herald_limit_rejections_total',
    help: 'Requests, frames and sockets refused by a limit, by limit name (docs/server-api.md "Limits")',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly closes = new Counter({
    name: 'herald_closes_total',
    help: 'Connections closed by the server, by close code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly messages = new Counter({
    name: 'herald_messages_total',
    help: 'Messages persisted (not counting idempotent repeats)',
    registers: [this.registry],
  });
  readonly broadcastLatency = new Histogram({
    name: 'herald_broadcast_latency_seconds',
    help: 'From bus publish to the frame being handed to every local socket',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_process_' });
  }
}
