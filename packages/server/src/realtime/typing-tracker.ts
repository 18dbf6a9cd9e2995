/**
 * TypingTracker: who is typing where, on this node, as plain state with the clock passed in.
 * It decides which updates are worth relaying and which indicators have expired; the relay
 * (typing-relay.ts) owns the timer and the bus.
 * Invariants: at most one relayed `true` per user+conversation per `throttleMs` while the state
 * stays "typing"; a change to "not typing" is always relayed; an indicator not refreshed for
 * `ttlMs` expires (and is relayed as "not typing") exactly once.
 */

export interface TypingKey {
  conversationId: string;
  userId: string;
}

interface TypingEntry extends TypingKey {
  /** The connection that last refreshed the indicator (closing it ends the indicator). */
  connectionId: string;
  expiresAt: number;
  relayedAt: number;
}

export interface TypingTrackerOptions {
  ttlMs: number;
  throttleMs: number;
}

/** Unambiguous map key for a user in a conversation (ids may contain any character). */
const keyOf = (conversationId: string, userId: string) => `${conversationId.length}:${conversationId}${userId}`;

export class TypingTracker {
  private readonly entries = new Map<string, TypingEntry>();

  constructor(private readonly options: TypingTrackerOptions) {}

  /** Record an update; true when it should be relayed to the other members. */
  update(key: TypingKey & { connectionId: string; isTyping: boolean }, now: number): boolean {
    const id = keyOf(key.conversationId, key.userId);
    const entry = this.entries.get(id);
    if (!key.isTyping) return this.entries.delete(id);
    if (entry) {
      entry.expiresAt = now + this.options.ttlMs;
      entry.connectionId = key.connectionId;
      if (now - entry.relayedAt < this.options.throttleMs) return false;
      entry.relayedAt = now;
      return true;
    }
    this.entries.set(id, {
      conversationId: key.conversationId,
      userId: key.userId,
      connectionId: key.connectionId,
      expiresAt: now + this.options.ttlMs,
      relayedAt: now,
    });
    return true;
  }

  /** Remove and return the indicators whose time is up. */
  expire(now: number): TypingKey[] {
    return this.removeWhere((entry) => entry.expiresAt <= now);
  }

  /** Remove and return the indicators last refreshed by a connection that closed. */
  dropConnection(connectionId: string): TypingKey[] {
    return this.removeWhere((entry) => entry.connectionId === connectionId);
  }

  get size(): number {
    return this.entries.size;
  }

  private removeWhere(test: (entry: TypingEntry) => boolean): TypingKey[] {
    const removed: TypingKey[] = [];
    for (const [id, entry] of this.entries) {
      if (!test(entry)) continue;
      this.entries.delete(id);
      removed.push({ conversationId: entry.conversationId, userId: entry.userId });
    }
    return removed;
  }
}
