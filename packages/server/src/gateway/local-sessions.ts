/**
 * LocalSessions: the authenticated connections on this node, by user, and the receiving end of
 * the bus. A conversation event is handed to every local connection of every listed member; the
 * frame text is the one the publisher serialised, so fan-out allocates nothing per recipient.
 */
import type { Bus, BusMessage, ConversationEvent } from '../bus/bus.js';
import type { Metrics } from '../metrics.js';
import type { Connection } from './connection.js';

export class LocalSessions {
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly unsubscribe: () => void;

  constructor(
    bus: Bus,
    private readonly metrics: Metrics,
  ) {
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
  }

  remove(connection: Connection): void {
    const userId = connection.userId;
    if (!userId) return;
    const set = this.byUser.get(userId);
    if (!set) return;
    set.delete(connection);
    if (set.size === 0) this.byUser.delete(userId);
  }

  /** This node's connections of one user. */
  ofUser(userId: string): ReadonlySet<Connection> {
    return this.byUser.get(userId) ?? new Set();
  }

  /** Number of distinct users with a connection on this node. */
  get userCount(): number {
    return this.byUser.size;
  }

  close(): void {
    this.unsubscribe();
  }

  private onBusMessage(message: BusMessage): void {
    if (message.type === 'conversation_event') this.fanOut(message);
  }

  private fanOut(event: ConversationEvent): void {
    for (const userId of event.memberIds) {
      const set = this.byUser.get(userId);
      if (!set) continue;
      for (const connection of set) connection.deliver(event);
    }
    this.metrics.broadcastLatency.observe((Date.now() - event.publishedAt) / 1000);
  }
}
