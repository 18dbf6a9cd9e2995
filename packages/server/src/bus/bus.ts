/**
 * Bus: the publish/subscribe seam every fan-out goes through, so recipients' sockets may live
 * on any node. Implementations: memory-bus.ts (one process) and, for scale-out, a networked one.
 * Invariants: messages from one publisher arrive at every subscriber in publish order;
 * frames travel pre-serialised (`frame` is the exact text each socket receives), so a broadcast is
 * serialised once, on the node that published it.
 */

/** A conversation event (e.g. `new_message`) for every connected session of the listed members. */
export interface ConversationEvent {
  type: 'conversation_event';
  conversationId: string;
  /** The conversation seq this event carries; receivers drop what a session has already seen. */
  seq: number;
  memberIds: string[];
  frame: string;
  /** When the publisher handed it to the bus (ms), for the broadcast-latency metric. */
  publishedAt: number;
}

/** Conversation membership changed: nodes drop cached member lists. */
export interface MembershipChanged {
  type: 'membership_changed';
  conversationId: string;
}

export type BusMessage = ConversationEvent | MembershipChanged;

export type BusHandler = (message: BusMessage) => void;

export interface Bus {
  readonly kind: string;
  /** Hand a message to every subscriber on every node (this one included). */
  publish(message: BusMessage): Promise<void>;
  /** Receive every published message; returns the unsubscribe function. */
  subscribe(handler: BusHandler): () => void;
  /** Resolves when the bus can carry messages (for readiness checks); rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
