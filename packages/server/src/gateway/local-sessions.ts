/**
 * LocalSessions: the authenticated connections on this node, by user, and the receiving end of
 * the bus. Conversation events are put back in seq order (ConversationSequencer), then handed to
 * every local connection of every listed member as one buffer built once per broadcast.
 * When the bus returns after an outage, `fillGaps` reads from the store every message after the
 * last one each local stream was sent, so messages other nodes committed meanwhile still arrive,
 * in order and once (each connection's ConversationStream drops what it already has).
 * Invariant: a user removed from a conversation gets none of its frames after the removal's
 * `membership_changed` arrived, whatever recipient list a frame carries (RemovedMembers).
 */
import type { Bus, BusMessage, ConversationEvent, UserEvent } from '../bus/bus.js';
import type { Metrics } from '../metrics.js';
import type { Connection } from './connection.js';
import { ConversationSequencer, type SequencerOptions } from './conversation-sequencer.js';
import { ConversationViewers } from './conversation-viewers.js';
import { RemovedMembers } from './removed-members.js';
import { textFrame } from './ws-internals.js';

/** Told when a connection joins (authenticated) or leaves this node's registry. */
export interface SessionListener {
  added?(connection: Connection): void;
  removed?(connection: Connection): void;
}

export class LocalSessions {
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly unsubscribe: () => void;
  private readonly listeners = new Set<SessionListener>();

  private readonly sequencer: ConversationSequencer;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly removedMembers = new RemovedMembers(60_000);
  /** Which connections have which conversation open (subscribe / unsubscribe). */
  readonly viewers = new ConversationViewers<Connection>();

  constructor(
    bus: Bus,
    private readonly metrics: Metrics,
    private readonly options: {
      fetchGap: SequencerOptions['fetch'];
      /** Stored events of a conversation with seq > after, in order (gap fill after a bus outage). */
      fetchAfter?: ((conversationId: string, after: number) => Promise<ConversationEvent[]>) | undefined;
      gapMs?: number;
      onError: (error: unknown) => void;
    },
  ) {
    this.sequencer = new ConversationSequencer({
      gapMs: options.gapMs ?? 200,
      idleMs: 10 * 60_000,
      fetch: options.fetchGap,
      deliver: (event) => this.fanOut(event),
      onError: options.onError,
    });
    this.sweepTimer = setInterval(() => {
      this.sequencer.sweep();
      this.removedMembers.sweep(Date.now());
    }, 60_000);
    this.sweepTimer.unref();
    this.unsubscribe = bus.subscribe((message) => this.onBusMessage(message));
  }

  add(connection: Connection): void {
    const userId = connection.userId;
    if (!userId) return;
    let set = this.byUser.get(userId);
    if (!set) {
      set = new Set();
      this.byUser.set(userId, set);
    }
    set.add(connection);
    for (const listener of this.listeners) listener.added?.(connection);
  }

  listen(listener: SessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every user with a connection on this node, and those connections (live, read-only). */
  get users(): ReadonlyMap<string, ReadonlySet<Connection>> {
    return this.byUser;
  }

  remove(connection: Connection): void {
    const userId = connection.userId;
    if (!userId) return;
    const set = this.byUser.get(userId);
    if (!set) return;
    if (!set.delete(connection)) return;
    if (set.size === 0) this.byUser.delete(userId);
    this.viewers.drop(connection);
    for (const listener of this.listeners) listener.removed?.(connection);
  }

  /** This node's connections of one user. */
  ofUser(userId: string): ReadonlySet<Connection> {
    return this.byUser.get(userId) ?? new Set();
  }

  /** Number of distinct users with a connection on this node. */
  get userCount(): number {
    return this.byUser.size;
  }

  /**
   * The bus is back after an outage: for each conversation a local connection streams, read from
   * the store everything after the lowest seq any of them was sent, and deliver it in order.
   */
  async fillGaps(): Promise<void> {
    const fetchAfter = this.options.fetchAfter;
    if (!fetchAfter) return;
    const after = new Map<string, number>();
    for (const set of this.byUser.values()) {
      for (const connection of set) {
        for (const [conversationId, stream] of connection.conversationStreams) {
          if (stream.muted) continue;
          const known = after.get(conversationId);
          if (known === undefined || stream.lastSeq < known) after.set(conversationId, stream.lastSeq);
        }
      }
    }
    await Promise.all(
      [...after].map(async ([conversationId, seq]) => {
        try {
          this.sequencer.fill(conversationId, await fetchAfter(conversationId, seq));
        } catch (error) {
          this.options.onError(error);
        }
      }),
    );
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.sweepTimer);
    this.sequencer.close();
  }

  private onBusMessage(message: BusMessage): void {
    if (message.type === 'conversation_event') this.sequencer.offer(message);
    else if (message.type === 'user_event') this.deliverUserEvent(message);
    else if (message.type === 'membership_changed') {
      if (message.addedUserIds) this.removedMembers.added(message.conversationId, message.addedUserIds);
      if (message.removedUserIds) this.removedMembers.removed(message.conversationId, message.removedUserIds, Date.now());
    }
  }

  private deliverUserEvent(event: UserEvent): void {
    const { target } = event;
    const data = Buffer.from(event.frame);
    if ('all' in target) {
      for (const set of this.byUser.values()) {
        for (const connection of set) {
          if (target.role === undefined || connection.user?.role === target.role) connection.sendData(data);
        }
      }
      return;
    }
    const removed = event.conversationId === undefined ? undefined : this.removedMembers.of(event.conversationId);
    if ('viewersOf' in target) {
      for (const connection of this.viewers.of(target.viewersOf)) {
        const userId = connection.userId;
        if (userId === target.exceptUserId || (userId && removed?.has(userId))) continue;
        // Also named in alsoUserIds: sent below, once.
        if (userId && target.alsoUserIds?.includes(userId)) continue;
        connection.sendData(data);
      }
      for (const userId of target.alsoUserIds ?? []) {
        if (removed?.has(userId)) continue;
        for (const connection of this.byUser.get(userId) ?? []) connection.sendData(data);
      }
      return;
    }
    for (const userId of target.userIds) {
      if (removed?.has(userId)) continue;
      const set = this.byUser.get(userId);
      if (!set) continue;
      for (const connection of set) {
        if (target.connectionId !== undefined && connection.id !== target.connectionId) continue;
        if (target.deviceType !== undefined && connection.device?.deviceType !== target.deviceType) continue;
        connection.sendData(data);
      }
    }
  }

  private fanOut(event: ConversationEvent): void {
    // Encode and frame once; every socket gets the same bytes (ws would otherwise re-encode and re-frame per send).
    // The one-element list is what ws's sender takes; sharing it keeps the loop free of per-recipient allocations.
    let data: Buffer | undefined;
    let frame: readonly [Buffer] | undefined;
    let sent = 0;
    const removed = this.removedMembers.of(event.conversationId);
    for (const userId of event.memberIds) {
      if (removed?.has(userId)) continue;
      const set = this.byUser.get(userId);
      if (!set) continue;
      for (const connection of set) {
        if (!data) {
          data = Buffer.from(event.frame);
          frame = textFrame(data);
        }
        if (connection.deliver(event, data, frame)) sent++;
      }
    }
    if (sent > 0) this.metrics.framesOut.inc(sent);
    this.metrics.broadcastLatency.observe((Date.now() - event.publishedAt) / 1000);
  }
}
