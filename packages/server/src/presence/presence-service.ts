/**
 * Presence: a user is online while at least one session is connected on any node. Each node
 * publishes its own count per user on the bus; every node sums them. Going offline waits a grace
 * period, so a page reload (close then reconnect) never shows as offline/online. Each node tells
 * only its own local connections, so a cluster sends each `presence_update` once per recipient.
 * Invariants: counts from a node that stops refreshing expire; one timer per node, not per user.
 */
import { type DeviceType, encodeFrame, type Presence } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus, PresenceChanged } from '../bus/bus.js';
import { serverFrameId } from '../gateway/connection.js';
import type { LocalSessions } from '../gateway/local-sessions.js';
import type { Store } from '../store/store.js';

export interface PresenceOptions {
  nodeId: string;
  graceMs: number;
  /** How often this node re-announces its counts; others expire them after 3 missed refreshes. */
  refreshMs: number;
}

interface NodeCount {
  connections: number;
  deviceTypes: DeviceType[];
  at: number;
}

export class PresenceService {
  private readonly counts = new Map<string, Map<string, NodeCount>>();
  private readonly lastSeen = new Map<string, number>();
  /** Users whose count reached zero, and when the grace period ends. */
  private readonly goingOffline = new Map<string, number>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly bus: Bus,
    private readonly sessions: LocalSessions,
    private readonly store: Store,
    private readonly log: Logger,
    private readonly options: PresenceOptions,
  ) {
    this.unsubscribe.push(
      bus.subscribe((message) => {
        if (message.type === 'presence') this.apply(message);
      }),
      sessions.listen({
        added: (c) => c.userId && this.announce(c.userId),
        removed: (c) => c.userId && this.announce(c.userId),
      }),
    );
    this.timer = setInterval(() => this.tick(), Math.min(options.refreshMs, Math.max(50, options.graceMs / 4)));
    this.timer.unref();
  }

  isOnline(userId: string): boolean {
    return this.total(userId).connections > 0 || this.goingOffline.has(userId);
  }

  get(userIds: readonly string[]): Presence[] {
    return userIds.map((userId) => this.presenceOf(userId));
  }

  /** Distinct users with at least one session on any node (for admin stats). */
  onlineCount(): number {
    return this.counts.size;
  }

  close(): void {
    clearInterval(this.timer);
    for (const stop of this.unsubscribe) stop();
  }

  private presenceOf(userId: string): Presence {
    const total = this.total(userId);
    const online = total.connections > 0 || this.goingOffline.has(userId);
    return { userId, online, lastSeenAt: online ? Date.now() : (this.lastSeen.get(userId) ?? null), deviceTypes: total.deviceTypes };
  }

  private total(userId: string): { connections: number; deviceTypes: DeviceType[] } {
    const perNode = this.counts.get(userId);
    if (!perNode) return { connections: 0, deviceTypes: [] };
    let connections = 0;
    const types = new Set<DeviceType>();
    for (const count of perNode.values()) {
      connections += count.connections;
      for (const t of count.deviceTypes) types.add(t);
    }
    return { connections, deviceTypes: [...types] };
  }

  /** Publish this node's current count for a user. */
  private announce(userId: string): void {
    const local = this.sessions.ofUser(userId);
    const deviceTypes = [...new Set([...local].flatMap((c) => (c.device ? [c.device.deviceType] : [])))];
    const message: PresenceChanged = {
      type: 'presence',
      nodeId: this.options.nodeId,
      userId,
      connections: local.size,
      deviceTypes,
      at: Date.now(),
    };
    this.bus.publish(message).catch((error: unknown) => this.log.warn({ err: error }, 'presence publish failed'));
  }

  private apply(message: PresenceChanged): void {
    const wasOnline = this.total(message.userId).connections > 0;
    let perNode = this.counts.get(message.userId);
    if (!perNode) {
      perNode = new Map();
      this.counts.set(message.userId, perNode);
    }
    // Stamp with our own clock: another node's clock may be skewed, and expiry compares with ours.
    if (message.connections > 0)
      perNode.set(message.nodeId, { connections: message.connections, deviceTypes: message.deviceTypes, at: Date.now() });
    else perNode.delete(message.nodeId);
    if (perNode.size === 0) this.counts.delete(message.userId);
    this.transition(message.userId, wasOnline);
  }

  private transition(userId: string, wasOnline: boolean): void {
    const isOnline = this.total(userId).connections > 0;
    if (isOnline === wasOnline) return;
    if (isOnline) {
      // Back within the grace period: nobody was told it left, so say nothing.
      if (!this.goingOffline.delete(userId)) void this.tellContacts(userId);
    } else {
      this.lastSeen.set(userId, Date.now());
      this.goingOffline.set(userId, Date.now() + this.options.graceMs);
    }
  }

  private tick(): void {
    const now = Date.now();
    for (const [userId, deadline] of this.goingOffline) {
      if (deadline > now) continue;
      this.goingOffline.delete(userId);
      void this.tellContacts(userId);
    }
    // Expire counts of nodes that stopped refreshing (crashed), and refresh our own.
    const stale = now - this.options.refreshMs * 3;
    for (const [userId, perNode] of this.counts) {
      const wasOnline = this.total(userId).connections > 0;
      for (const [nodeId, count] of perNode) {
        if (nodeId === this.options.nodeId) continue;
        if (count.at < stale) perNode.delete(nodeId);
      }
      if (perNode.size === 0) this.counts.delete(userId);
      this.transition(userId, wasOnline);
    }
    if (now - this.lastRefresh >= this.options.refreshMs) {
      this.lastRefresh = now;
      for (const [userId] of this.sessions.entries()) this.announce(userId);
    }
  }

  private lastRefresh = Date.now();

  /** Send the user's presence to this node's connections of everyone who shares a conversation with them. */
  private async tellContacts(userId: string): Promise<void> {
    try {
      const contacts = await this.store.contactIds(userId);
      const presence = this.presenceOf(userId);
      const frame = encodeFrame({
        id: serverFrameId(),
        type: 'presence',
        action: 'presence_update',
        data: presence,
        timestamp: Date.now(),
      });
      for (const contact of contacts) for (const connection of this.sessions.ofUser(contact)) connection.sendText(frame);
    } catch (error) {
      this.log.warn({ err: error, userId }, 'presence fan-out failed');
    }
  }
}
