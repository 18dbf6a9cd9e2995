/**
 * Bus: the publish/subscribe seam every fan-out goes through, so recipients' sockets may live
 * on any node. Implementations: memory-bus.ts (one process) and redis-bus.ts (several nodes, over
 * one Redis pub/sub channel); test/bus.contract.test.ts runs one suite on both.
 * Invariants: messages from one publisher arrive at every subscriber in publish order;
 * a publish reaches this node's own subscribers at once (synchronously, before `publish` returns)
 * and never waits for other nodes: what they must get is queued (bus-outbox.ts) and sent when the
 * medium can carry it, so a write is never held up by the bus;
 * frames travel pre-serialised (`frame` is the exact text each socket receives), so a broadcast is
 * serialised once, on the node that published it.
 */
import type { DeviceType, NodeStats, OnlineUser } from '@herald/protocol';

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

/**
 * Conversation membership changed: nodes drop cached member lists. Removed users stop receiving the
 * conversation's frames on every node from this message on (gateway/removed-members.ts), even
 * frames whose recipient list was made from an older member list.
 */
export interface MembershipChanged {
  type: 'membership_changed';
  conversationId: string;
  removedUserIds?: string[] | undefined;
  addedUserIds?: string[] | undefined;
}

/**
 * A frame for users rather than a conversation stream: everyone (optionally one role), or listed
 * users (optionally one connection or one device type). No seq; best-effort live delivery.
 */
export type UserEventTarget =
  | { all: true; role?: string | undefined }
  | { userIds: string[]; connectionId?: string | undefined; deviceType?: DeviceType | undefined }
  /**
   * The sessions that have a conversation open (`subscribe`d, gateway/conversation-viewers.ts),
   * except `exceptUserId`'s, plus every session of `alsoUserIds`: a large group's typing and read
   * receipts, whose cost then follows who is looking, not how many are members.
   */
  | { viewersOf: string; exceptUserId?: string | undefined; alsoUserIds?: string[] | undefined };

export interface UserEvent {
  type: 'user_event';
  target: UserEventTarget;
  frame: string;
  /** The conversation the frame is about (typing, read receipts): not delivered to users lately removed from it. */
  conversationId?: string | undefined;
}

/** One user's connections on the publishing node. */
export interface PresenceCount {
  userId: string;
  connections: number;
  deviceTypes: DeviceType[];
}

/**
 * A node's counts of some users' connections (presence is the sum over nodes): what changed or
 * fell due for a refresh since its last tick, so a node publishes one message per tick, not one
 * per user (presence/presence-service.ts).
 */
export interface PresenceChanged {
  type: 'presence';
  nodeId: string;
  users: PresenceCount[];
  at: number;
}

/** A node's figures, published every second for cluster-wide admin stats. */
export interface NodeStatsMessage {
  type: 'node_stats';
  stats: NodeStats;
}

/**
 * An admin asks every node for its connected users (admin/cluster-sessions.ts): each other node
 * answers with a `sessions_reply` carrying the same `requestId`. `userId` narrows it to one user.
 */
export interface SessionsQuery {
  type: 'sessions_query';
  requestId: string;
  fromNodeId: string;
  userId?: string | undefined;
}

/** One node's answer to a `sessions_query`: its connected users and their sessions on it. */
export interface SessionsReply {
  type: 'sessions_reply';
  requestId: string;
  toNodeId: string;
  nodeId: string;
  users: OnlineUser[];
}

/**
 * Sessions ended (sign-out, revoke, password change, disable, refresh-token reuse): every node
 * closes their sockets (4001 with `closeReason`) and forgets them in its session cache.
 * `sessionIds: null` means every session of the user, except `exceptSessionId` when given.
 */
export interface SessionsRevoked {
  type: 'sessions_revoked';
  userId: string;
  sessionIds: string[] | null;
  exceptSessionId?: string | undefined;
  /** The WebSocket close reason to use: `session_revoked` or `account_disabled`. */
  closeReason: string;
}

/** A user's account changed (role, disabled, name): nodes drop cached copies and re-check live sockets. */
export interface UserChanged {
  type: 'user_changed';
  userId: string;
}

/** Blocks between users changed (users/block-list.ts): nodes drop their cached block lists of these users. */
export interface BlocksChanged {
  type: 'blocks_changed';
  userIds: string[];
}

export type BusMessage =
  | ConversationEvent
  | MembershipChanged
  | UserEvent
  | PresenceChanged
  | NodeStatsMessage
  | SessionsQuery
  | SessionsReply
  | SessionsRevoked
  | UserChanged
  | BlocksChanged;

export type BusHandler = (message: BusMessage) => void;

/**
 * What other nodes need of each message while the medium is down: `queue` (sent, in order, when it
 * returns) or `drop` (stale by then: node_stats is sent every second, presence is re-announced
 * as a whole snapshot when the bus returns, and an admin's sessions query has timed out).
 */
export function whileDown(message: BusMessage): 'queue' | 'drop' {
  return message.type === 'node_stats' ||
    message.type === 'presence' ||
    message.type === 'sessions_query' ||
    message.type === 'sessions_reply'
    ? 'drop'
    : 'queue';
}

/** How the bus is doing: `degraded` means other nodes are not reachable (local delivery goes on). */
export interface BusStatus {
  state: 'ok' | 'degraded';
  /** Messages waiting to be sent to other nodes. */
  queued: number;
  /** Messages dropped for other nodes since start (droppable kinds while down, or the queue full). */
  dropped: number;
  /** Why it is degraded. */
  error?: string | undefined;
}

export interface Bus {
  readonly kind: string;
  /**
   * Hand a message to every subscriber on every node: this node's at once, before it returns;
   * other nodes' as soon as the medium carries it (queued meanwhile). Never waits for other nodes.
   */
  publish(message: BusMessage): Promise<void>;
  /** Receive every published message; returns the unsubscribe function. */
  subscribe(handler: BusHandler): () => void;
  /**
   * Called each time the bus carries messages between nodes again after an outage. Messages other
   * nodes published meanwhile may never arrive here: listeners re-read what they cache from the
   * store (gap fill, caches, presence). Returns the unsubscribe function.
   */
  onRestored(listener: () => void): () => void;
  /** The bus's state now (for /health and metrics). */
  status(): BusStatus;
  /** Resolves when the bus can carry messages between nodes; rejects otherwise (reported, not a readiness failure). */
  ping(): Promise<void>;
  close(): Promise<void>;
}
