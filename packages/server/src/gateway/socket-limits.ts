/**
 * The socket limits of one node, built from the configuration for the composition root: the per-IP
 * upgrade limits (UpgradeGuard), the per-account frame rate (UserRates), and the per-account socket
 * cap (SocketLeases: cluster-wide through Redis when the node has it, else per node), plus what
 * `connected.limits` advertises of them. docs/protocol.md "Limits" documents each.
 * Invariant: a socket's cap slot is released when it leaves LocalSessions (closed, for any reason);
 * one that never got there releases it in session-actions.ts.
 */

import type { Logger } from 'pino';
import type { HeraldConfig } from '../config.js';
import { clientIpOf } from '../http/client-ip.js';
import type { CounterStore } from '../limits/counter-store.js';
import type { Metrics } from '../metrics.js';
import type { LocalSessions } from './local-sessions.js';
import { RedisSocketLeases } from './redis-socket-leases.js';
import { MemorySocketLeases, type SocketLeases } from './socket-leases.js';
import { UpgradeGuard } from './upgrade-guard.js';
import { UserRates } from './user-rates.js';

export interface SocketLimits {
  upgrades: UpgradeGuard;
  userRates: UserRates;
  userSockets: { limit: number; leases: SocketLeases; metrics: Metrics };
  /** The per-account limits as `connected.limits` advertises them. */
  advertised: { userSockets: number; userRatePerSecond: number; userBurst: number };
  close(): Promise<void>;
}

export function createSocketLimits(
  config: Pick<HeraldConfig, 'sockets' | 'redis' | 'trustProxy' | 'authTimeoutMs'>,
  deps: { counters: CounterStore; metrics: Metrics; sessions: LocalSessions; log: Logger },
): SocketLimits {
  const { sockets } = config;
  const leases: SocketLeases = config.redis
    ? new RedisSocketLeases({ url: config.redis.url, prefix: `${config.redis.channel}:sockets`, log: deps.log })
    : new MemorySocketLeases();
  const stopListening = deps.sessions.listen({
    removed: (connection) => {
      if (connection.userId !== undefined) leases.release(connection.userId, connection.id);
    },
  });
  const userRates = new UserRates(sockets.userRatePerSecond, sockets.userBurst);
  const upgrades = new UpgradeGuard({
    pendingPerIp: sockets.pendingPerIp,
    handshakesPerMinute: sockets.handshakesPerMinute,
    // A pending socket authenticates or is dropped within the auth timeout.
    pendingRetryAfterMs: Math.min(config.authTimeoutMs, 5_000),
    clientIp: clientIpOf(config.trustProxy),
    counters: deps.counters,
    metrics: deps.metrics,
  });
  return {
    upgrades,
    userRates,
    userSockets: { limit: sockets.perUser, leases, metrics: deps.metrics },
    advertised: { userSockets: sockets.perUser, userRatePerSecond: sockets.userRatePerSecond, userBurst: sockets.userBurst },
    async close() {
      stopListening();
      userRates.close();
      await leases.close();
    },
  };
}
