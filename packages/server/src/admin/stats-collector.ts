/**
 * StatsCollector: live server figures for admins. Once per interval (one timer per node) it
 * samples this node's message counter into a RateWindow, publishes this node's NodeStats on the
 * bus, and pushes the cluster-wide Stats as one `stats` frame (serialised once) to every local
 * socket that subscribed. Every node keeps the latest NodeStats of every other node.
 * Invariants: a node silent for longer than `staleMs` drops out of the figures; this node's own
 * entry is always the fresh local one (it never waits for its own bus round-trip).
 */
import { encodeFrame, type NodeStats, type Stats } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus } from '../bus/bus.js';
import type { Connection } from '../gateway/connection.js';
import type { LocalSessions } from '../gateway/local-sessions.js';
import { serverFrameId } from '../gateway/server-frame.js';
import type { Metrics } from '../metrics.js';
import type { PresenceService } from '../presence/presence-service.js';
import { RateWindow } from './rate-window.js';

export interface StatsCollectorDeps {
  bus: Bus;
  metrics: Metrics;
  sessions: LocalSessions;
  presence: PresenceService;
  connections: () => ReadonlySet<Connection>;
  log: Logger;
  nodeId: string;
  startedAt: number;
}

export interface StatsCollectorOptions {
  intervalMs: number;
  /** Other nodes' figures older than this are dropped. */
  staleMs: number;
}

export class StatsCollector {
  private readonly window = new RateWindow();
  private readonly others = new Map<string, { stats: NodeStats; receivedAt: number }>();
  private readonly subscribers = new Set<Connection>();
  private readonly timer: NodeJS.Timeout;
  private readonly stopListening: () => void;
  private sampling = false;

  constructor(
    private readonly deps: StatsCollectorDeps,
    readonly options: StatsCollectorOptions,
  ) {
    this.stopListening = deps.bus.subscribe((message) => {
      if (message.type === 'node_stats' && message.stats.nodeId !== deps.nodeId) {
        this.others.set(message.stats.nodeId, { stats: message.stats, receivedAt: Date.now() });
      }
    });
    this.timer = setInterval(() => void this.tick(), options.intervalMs);
    this.timer.unref();
  }

  /** Push a `stats` frame to this connection every interval until unsubscribed or closed. */
  subscribe(connection: Connection): void {
    this.subscribers.add(connection);
  }

  /** Stop pushing to this connection; true when it was subscribed. */
  unsubscribe(connection: Connection): boolean {
    return this.subscribers.delete(connection);
  }

  /** The cluster-wide figures now. */
  current(): Stats {
    const now = Date.now();
    const nodes = [this.local()];
    for (const [nodeId, entry] of this.others) {
      if (now - entry.receivedAt > this.options.staleMs) this.others.delete(nodeId);
      else nodes.push(entry.stats);
    }
    nodes.sort((a, b) => a.nodeId.localeCompare(b.nodeId));
    const sum = (pick: (node: NodeStats) => number) => nodes.reduce((total, node) => total + pick(node), 0);
    return {
      connections: sum((n) => n.connections),
      // Distinct users cluster-wide (a user with sessions on two nodes counts once).
      onlineUsers: this.deps.presence.onlineCount(),
      messagesPerSecond1s: sum((n) => n.messagesPerSecond1s),
      messagesPerSecond1m: sum((n) => n.messagesPerSecond1m),
      nodes,
      at: now,
    };
  }

  /** The other nodes heard from within `staleMs` (ids): the ones a cluster-wide question waits for. */
  otherNodes(): string[] {
    const now = Date.now();
    return [...this.others].filter(([, entry]) => now - entry.receivedAt <= this.options.staleMs).map(([nodeId]) => nodeId);
  }

  close(): void {
    clearInterval(this.timer);
    this.stopListening();
    this.subscribers.clear();
  }

  private local(): NodeStats {
    const memory = process.memoryUsage();
    return {
      nodeId: this.deps.nodeId,
      uptimeSeconds: Math.max(0, (Date.now() - this.deps.startedAt) / 1000),
      connections: this.deps.connections().size,
      onlineUsers: this.deps.sessions.userCount,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      messagesPerSecond1s: this.window.ratePerSecond(1_000),
      messagesPerSecond1m: this.window.ratePerSecond(60_000),
    };
  }

  private async tick(): Promise<void> {
    if (this.sampling) return; // a slow sample (busy event loop) must not pile up
    this.sampling = true;
    try {
      const counted = (await this.deps.metrics.messages.get()).values[0]?.value ?? 0;
      this.window.record(Date.now(), counted);
      await this.deps.bus.publish({ type: 'node_stats', stats: this.local() });
      if (this.subscribers.size === 0) return;
      const stats = this.current();
      const frame = encodeFrame({ id: serverFrameId(), type: 'system', action: 'stats', data: stats, timestamp: stats.at });
      for (const connection of this.subscribers) connection.sendText(frame);
    } catch (error) {
      this.deps.log.warn({ err: error }, 'stats sample failed');
    } finally {
      this.sampling = false;
    }
  }
}
