/**
 * Presence: a user is online while at least one session is connected on any node. Each node
 * publishes its own count per user on the bus; every node sums them. Going offline waits a grace
 * period, so a page reload (close then reconnect) never shows as offline/online. Each node tells
 * only its own local connections, so a cluster sends each `presence_update` once per recipient.
 * Invariants: counts from a node that stops refreshing expire (3 to 4 `refreshMs` after its last
 * refresh); one timer per node, not per user; a tick's work does not grow with the users online
 * (re-announcing them and looking for stale counts are PacedWalks: each user about once per
 * `refreshMs`, a share per tick); "is this user online" allocates nothing (it runs for every
 * member of a room on every message). Presence is private to contacts: queries answer only for the
 * asker and users who share a conversation with them (`visibleTo`), and changes are sent only to
 * the user's contacts (`tellContacts`, read from the database at each change).
 */
import { type DeviceType, encodeFrame, type Presence } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus, PresenceChanged } from '../bus/bus.js';
import type { ConversationRepository } from '../conversations/conversation-repository.js';
import type { Connection } from '../gateway/connection.js';
import type { LocalSessions } from '../gateway/local-sessions.js';
import { serverFrameId } from '../gateway/server-frame.js';
import { PacedWalk } from '../util/paced-walk.js';

export interface PresenceOptions {
  nodeId: string;
  graceMs: number;
  /** How often this node re-announces its counts (spread over the period); others expire a count 3 to 4 periods after its last refresh. */
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
  /** How often the timer calls `tick`. */
  readonly tickMs: number;
  /** Looks for stale counts: every user about once per `refreshMs`, a share per tick. */
  private readonly expiry: PacedWalk<string, Map<string, NodeCount>>;
  /** Re-announces this node's users: each about once per `refreshMs`, a share per tick (all at once held the loop for tens of ms at 10,000 users). */
  private readonly refresh: PacedWalk<string, ReadonlySet<Connection>>;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly bus: Bus,
    private readonly sessions: LocalSessions,
    private readonly contacts: Pick<ConversationRepository, 'contactIds'>,
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
    // Short ticks keep each one's share of the refresh small (and the grace period's end punctual).
    this.tickMs = Math.min(options.refreshMs, 100, Math.max(50, options.graceMs / 4));
    this.expiry = new PacedWalk(this.counts, options.refreshMs, this.tickMs, Date.now());
    this.refresh = new PacedWalk(sessions.users, options.refreshMs, this.tickMs, Date.now());
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  isOnline(userId: string): boolean {
    return this.connectionsOf(userId) > 0 || this.goingOffline.has(userId);
  }

  get(userIds: readonly string[]): Presence[] {
    return userIds.map((userId) => this.presenceOf(userId));
  }

  /**
   * The presence `askerId` may see among `userIds`: their own and that of users who share a
   * conversation with them. Anyone else is left out of the answer (not reported offline, which
   * would still tell a stranger something), in the order asked.
   */
  async visibleTo(askerId: string, userIds: readonly string[]): Promise<Presence[]> {
    const contacts = new Set(await this.contacts.contactIds(askerId));
    return this.get(userIds.filter((id) => id === askerId || contacts.has(id)));
  }

  /** Distinct users with at least one session on any node (for admin stats). */
  onlineCount(): number {
    return this.counts.size;
  }

  /** Re-announce every local user's count now (the bus returned after an outage; other nodes may have expired them). */
  announceAll(): void {
    for (const userId of this.sessions.users.keys()) this.announce(userId);
  }

  close(): void {
    clearInterval(this.timer);
    for (const stop of this.unsubscribe) stop();
  }

  private presenceOf(userId: string): Presence {
    const online = this.isOnline(userId);
    return {
      userId,
      online,
      lastSeenAt: online ? Date.now() : (this.lastSeen.get(userId) ?? null),
      deviceTypes: this.deviceTypesOf(userId),
    };
  }

  /** The user's sessions on every node. */
  private connectionsOf(userId: string): number {
    const perNode = this.counts.get(userId);
    if (!perNode) return 0;
    let connections = 0;
    for (const count of perNode.values()) connections += count.connections;
    return connections;
  }

  private deviceTypesOf(userId: string): DeviceType[] {
    const perNode = this.counts.get(userId);
    if (!perNode) return [];
    const types = new Set<DeviceType>();
    for (const count of perNode.values()) for (const type of count.deviceTypes) types.add(type);
    return [...types];
  }

  /** Publish this node's current count for a user. */
  private announce(userId: string): void {
    const local = this.sessions.ofUser(userId);
    const deviceTypes: DeviceType[] = [];
    for (const connection of local) {
      const type = connection.device?.deviceType;
      if (type && !deviceTypes.includes(type)) deviceTypes.push(type);
    }
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
    const wasOnline = this.connectionsOf(message.userId) > 0;
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
    const isOnline = this.connectionsOf(userId) > 0;
    if (isOnline === wasOnline) return;
    if (isOnline) {
      // Back within the grace period: nobody was told it left, so say nothing.
      if (!this.goingOffline.delete(userId)) void this.tellContacts(userId);
    } else {
      this.lastSeen.set(userId, Date.now());
      this.goingOffline.set(userId, Date.now() + this.options.graceMs);
    }
  }

  /** Expire what is due and do this tick's share of the sweeps (public for the presence benchmark; the timer calls it). */
  tick(): void {
    const now = Date.now();
    for (const [userId, deadline] of this.goingOffline) {
      if (deadline > now) continue;
      this.goingOffline.delete(userId);
      void this.tellContacts(userId);
    }
    const stale = now - this.options.refreshMs * 3;
    this.expiry.step(now, (userId, perNode) => this.expireStale(userId, perNode, stale));
    this.refresh.step(now, (userId) => this.announce(userId));
  }

  /** Drop the user's counts from nodes that stopped refreshing them (a crashed node, or a lost update). */
  private expireStale(userId: string, perNode: Map<string, NodeCount>, before: number): void {
    let wasOnline: boolean | undefined;
    for (const [nodeId, count] of perNode) {
      if (nodeId === this.options.nodeId || count.at >= before) continue;
      wasOnline ??= this.connectionsOf(userId) > 0;
      perNode.delete(nodeId);
    }
    if (wasOnline === undefined) return;
    if (perNode.size === 0) this.counts.delete(userId);
    this.transition(userId, wasOnline);
  }

  /** Send the user's presence to this node's connections of everyone who shares a conversation with them. */
  private async tellContacts(userId: string): Promise<void> {
    try {
      const contacts = await this.contacts.contactIds(userId);
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
