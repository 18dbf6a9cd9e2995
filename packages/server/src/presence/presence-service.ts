/**
 * Presence: a user is online while at least one session is connected on any node. Each node
 * publishes its own count per user on the bus; every node sums them. Going offline waits a grace
 * period, so a page reload (close then reconnect) never shows as offline/online.
 * Everything runs on one timer per node, in ticks (≤ 100 ms):
 * - a node publishes the counts that changed or fell due for a refresh since the last tick in one
 *   bus message per tick (chunks of PUBLISH_CHUNK users), never one per user: 50,000 users online
 *   cost a handful of publishes a second, and a connect storm costs one per tick;
 * - the users whose presence changed in a tick are told once, at its end, to whoever is interested:
 *   connections that watch them (`presence_subscribe`: presence-watchers.ts, one `presence_batch`
 *   frame per connection per tick) and, by `presence_update`, the sessions of members of their
 *   direct conversations and small groups (fewer than LARGE_GROUP_MIN_MEMBERS), so a connect costs
 *   frames in proportion to those contacts, not to the size of the large groups the user is in.
 * Invariants: counts from a node that stops refreshing expire (3 to 4 `refreshMs` after its last
 * refresh); a tick's sweeps do not grow with the users online (PacedWalks: each user about once per
 * `refreshMs`, a share per tick); "is this user online" allocates nothing (it runs for every member
 * of a room on every message). Presence is private to contacts: queries and watches answer only for
 * the asker and users who share a conversation with them (`visibleTo`, `visibleIds`).
 */
import { type DeviceType, encodeFrame, LARGE_GROUP_MIN_MEMBERS, type Presence } from '@herald/protocol';
import type { Logger } from 'pino';
import type { Bus, PresenceChanged, PresenceCount } from '../bus/bus.js';
import type { Connection } from '../gateway/connection.js';
import type { LocalSessions } from '../gateway/local-sessions.js';
import { serverFrameId } from '../gateway/server-frame.js';
import { PacedWalk } from '../util/paced-walk.js';
import { PresenceWatchers } from './presence-watchers.js';

export interface PresenceOptions {
  nodeId: string;
  graceMs: number;
  /** How often this node re-announces its counts (spread over the period); others expire a count 3 to 4 periods after its last refresh. */
  refreshMs: number;
}

/** What presence reads of conversations: who shares one with whom, and how big each is. */
export interface PresenceDirectory {
  /** Users who share at least one conversation with `userId`. */
  contactIds(userId: string): Promise<string[]>;
  /** Conversations `userId` belongs to. */
  conversationIdsOf(userId: string): Promise<string[]>;
  /** Member ids of a conversation (cached by the caller's ConversationService). */
  memberSet(conversationId: string): Promise<ReadonlySet<string>>;
}

/** Users per bus message: a storm's tick stays a few tens of kilobytes per message. */
export const PUBLISH_CHUNK = 1_000;
/** Users whose change one tick tells (the rest wait for the next ticks, in order). */
export const TELL_PER_TICK = 1_000;

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
  /** Local users whose count this node must publish at the next tick (changed, or due for a refresh). */
  private readonly dirty = new Set<string>();
  /** Users whose presence changed and who are still to be told (at tick ends, TELL_PER_TICK at a time). */
  private readonly changed = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  /** How often the timer calls `tick`. */
  readonly tickMs: number;
  /** Connections' interest in users' presence (`presence_subscribe`). */
  readonly watchers: PresenceWatchers<Connection>;
  /** Looks for stale counts: every user about once per `refreshMs`, a share per tick. */
  private readonly expiry: PacedWalk<string, Map<string, NodeCount>>;
  /** Re-announces this node's users: each about once per `refreshMs`, a share per tick. */
  private readonly refresh: PacedWalk<string, ReadonlySet<Connection>>;
  private readonly unsubscribe: Array<() => void> = [];

  constructor(
    private readonly bus: Bus,
    private readonly sessions: LocalSessions,
    private readonly directory: PresenceDirectory,
    private readonly log: Logger,
    private readonly options: PresenceOptions,
  ) {
    this.watchers = new PresenceWatchers<Connection>();
    this.unsubscribe.push(
      bus.subscribe((message) => {
        if (message.type === 'presence') this.apply(message);
      }),
      sessions.listen({
        added: (c) => c.userId && this.localChanged(c.userId),
        removed: (c) => {
          this.watchers.drop(c);
          if (c.userId) this.localChanged(c.userId);
        },
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
    return this.counts.has(userId) || this.goingOffline.has(userId);
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
    return this.get(await this.visibleIds(askerId, userIds));
  }

  /** Those of `userIds` whose presence `askerId` may see (in the order asked, repeats dropped). */
  async visibleIds(askerId: string, userIds: readonly string[]): Promise<string[]> {
    const contacts = new Set(await this.directory.contactIds(askerId));
    return [...new Set(userIds)].filter((id) => id === askerId || contacts.has(id));
  }

  /** Members of a conversation and how many of them are online (a loop over a cached set: no query, no allocation per member). */
  onlineAmong(members: ReadonlySet<string>): number {
    let online = 0;
    for (const userId of members) if (this.isOnline(userId)) online++;
    return online;
  }

  /** Distinct users with at least one session on any node (for admin stats). */
  onlineCount(): number {
    return this.counts.size;
  }

  /** Re-announce every local user's count at the next tick (the bus returned after an outage; other nodes may have expired them). */
  announceAll(): void {
    for (const userId of this.sessions.users.keys()) this.dirty.add(userId);
  }

  close(): void {
    clearInterval(this.timer);
    for (const stop of this.unsubscribe) stop();
  }

  /** Publish what is due, expire what is stale and tell who is interested (public for tests and the benchmark; the timer calls it). */
  tick(): void {
    const now = Date.now();
    for (const [userId, deadline] of this.goingOffline) {
      if (deadline > now) continue;
      this.goingOffline.delete(userId);
      this.changed.add(userId);
    }
    const stale = now - this.options.refreshMs * 3;
    this.expiry.step(now, (userId, perNode) => this.expireStale(userId, perNode, stale));
    this.refresh.step(now, (userId) => this.dirty.add(userId));
    this.publishDirty(now);
    this.tellInterested();
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

  private deviceTypesOf(userId: string): DeviceType[] {
    const perNode = this.counts.get(userId);
    if (!perNode) return [];
    const types = new Set<DeviceType>();
    for (const count of perNode.values()) for (const type of count.deviceTypes) types.add(type);
    return [...types];
  }

  /** This node's count of each dirty user, in chunks of PUBLISH_CHUNK per bus message. */
  private publishDirty(now: number): void {
    if (this.dirty.size === 0) return;
    let users: PresenceCount[] = [];
    for (const userId of this.dirty) {
      users.push(this.localCount(userId));
      if (users.length === PUBLISH_CHUNK) {
        this.publish(users, now);
        users = [];
      }
    }
    this.dirty.clear();
    if (users.length > 0) this.publish(users, now);
  }

  private publish(users: PresenceCount[], at: number): void {
    const message: PresenceChanged = { type: 'presence', nodeId: this.options.nodeId, users, at };
    this.bus.publish(message).catch((error: unknown) => this.log.warn({ err: error }, 'presence publish failed'));
  }

  private localCount(userId: string): PresenceCount {
    const local = this.sessions.ofUser(userId);
    const deviceTypes: DeviceType[] = [];
    for (const connection of local) {
      const type = connection.device?.deviceType;
      if (type && !deviceTypes.includes(type)) deviceTypes.push(type);
    }
    return { userId, connections: local.size, deviceTypes };
  }

  /** A local session came or went: this node counts it at once (a user is online from their first `connected`); other nodes hear it at the next tick. */
  private localChanged(userId: string): void {
    this.setCount(this.options.nodeId, this.localCount(userId), Date.now());
    this.dirty.add(userId);
  }

  private apply(message: PresenceChanged): void {
    // Our own counts were set when the sessions came and went (localChanged).
    if (message.nodeId === this.options.nodeId) return;
    // Stamp with our own clock: another node's clock may be skewed, and expiry compares with ours.
    const now = Date.now();
    for (const count of message.users) this.setCount(message.nodeId, count, now);
  }

  private setCount(nodeId: string, { userId, connections, deviceTypes }: PresenceCount, now: number): void {
    const wasOnline = this.counts.has(userId);
    let perNode = this.counts.get(userId);
    if (connections > 0) {
      if (!perNode) {
        perNode = new Map();
        this.counts.set(userId, perNode);
      }
      perNode.set(nodeId, { connections, deviceTypes, at: now });
    } else if (perNode) {
      perNode.delete(nodeId);
      if (perNode.size === 0) this.counts.delete(userId);
    }
    this.transition(userId, wasOnline);
  }

  private transition(userId: string, wasOnline: boolean): void {
    const isOnline = this.counts.has(userId);
    if (isOnline === wasOnline) return;
    if (isOnline) {
      // Back within the grace period: nobody was told it left, so say nothing.
      if (!this.goingOffline.delete(userId)) this.changed.add(userId);
    } else {
      this.lastSeen.set(userId, Date.now());
      this.goingOffline.set(userId, Date.now() + this.options.graceMs);
    }
  }

  /** Drop the user's counts from nodes that stopped refreshing them (a crashed node, or a lost update). */
  private expireStale(userId: string, perNode: Map<string, NodeCount>, before: number): void {
    let wasOnline: boolean | undefined;
    for (const [nodeId, count] of perNode) {
      if (nodeId === this.options.nodeId || count.at >= before) continue;
      wasOnline ??= true;
      perNode.delete(nodeId);
    }
    if (wasOnline === undefined) return;
    if (perNode.size === 0) this.counts.delete(userId);
    this.transition(userId, true);
  }

  /** The tick's changes: one batch per watching connection, and `presence_update` to small conversations' members. */
  private tellInterested(): void {
    if (this.changed.size === 0) return;
    // At most TELL_PER_TICK users a tick (the oldest changes first): a storm of tens of thousands of
    // arrivals is told over a few ticks instead of holding the loop for hundreds of milliseconds.
    const presence = new Map<string, Presence>();
    for (const userId of this.changed) {
      if (presence.size === TELL_PER_TICK) break;
      presence.set(userId, this.presenceOf(userId));
      this.changed.delete(userId);
    }
    this.watchers.tell(presence);
    for (const entry of presence.values()) void this.tellSmallConversations(entry);
  }

  /**
   * Send the user's presence to this node's sessions of the members of their direct conversations
   * and small groups, except connections that watch the user (their batch already has it).
   */
  private async tellSmallConversations(presence: Presence): Promise<void> {
    const { userId } = presence;
    try {
      const recipients = new Set<string>();
      for (const conversationId of await this.directory.conversationIdsOf(userId)) {
        const members = await this.directory.memberSet(conversationId);
        if (members.size >= LARGE_GROUP_MIN_MEMBERS) continue;
        for (const member of members) if (member !== userId && this.sessions.users.has(member)) recipients.add(member);
      }
      if (recipients.size === 0) return;
      const frame = encodeFrame({
        id: serverFrameId(),
        type: 'presence',
        action: 'presence_update',
        data: presence,
        timestamp: Date.now(),
      });
      for (const member of recipients) {
        for (const connection of this.sessions.ofUser(member)) if (!this.watchers.watches(connection, userId)) connection.sendText(frame);
      }
    } catch (error) {
      this.log.warn({ err: error, userId }, 'presence fan-out failed');
    }
  }
}
