/**
 * ClusterSessions: who is connected on every node, for admins. A question goes out on the bus
 * (`sessions_query`); every other node answers with its own users (`sessions_reply`, built from its
 * LocalSessions by online-users.ts); the asking node merges them with its own.
 * Invariants: the answer waits for the nodes known to be alive (those whose stats arrived lately)
 * and at most `timeoutMs`, so a node that died between two stats samples delays the answer, never
 * blocks it; a user with sessions on several nodes is one entry with all their sessions; nothing
 * is stored (a reply is the node's sessions at that moment).
 */
import { randomUUID } from 'node:crypto';
import type { OnlineUser, SessionInfo } from '@herald/protocol';
import type { Bus, BusMessage } from '../bus/bus.js';
import type { LocalSessions } from '../gateway/local-sessions.js';
import { onlineUsers } from './online-users.js';

export interface ClusterSessionsDeps {
  bus: Bus;
  sessions: LocalSessions;
  nodeId: string;
  /** The other nodes believed alive now (ids). */
  otherNodes: () => readonly string[];
}

interface Pending {
  waitingFor: Set<string>;
  replies: OnlineUser[][];
  done: () => void;
}

export class ClusterSessions {
  private readonly pending = new Map<string, Pending>();
  private readonly stopListening: () => void;

  constructor(
    private readonly deps: ClusterSessionsDeps,
    private readonly timeoutMs: number,
  ) {
    this.stopListening = deps.bus.subscribe((message) => this.onMessage(message));
  }

  /** Every user connected anywhere in the cluster, by name, each with all their sessions (oldest first). */
  async onlineUsers(): Promise<OnlineUser[]> {
    return merge(await this.gather(undefined));
  }

  /** One user's sessions on every node, oldest first. */
  async sessionsOf(userId: string): Promise<SessionInfo[]> {
    return merge(await this.gather(userId)).find((user) => user.userId === userId)?.sessions ?? [];
  }

  close(): void {
    this.stopListening();
    for (const pending of this.pending.values()) pending.done();
  }

  private local(userId: string | undefined): OnlineUser[] {
    const users = onlineUsers(this.deps.sessions, this.deps.nodeId);
    return userId === undefined ? users : users.filter((user) => user.userId === userId);
  }

  private async gather(userId: string | undefined): Promise<OnlineUser[][]> {
    const others = this.deps.otherNodes();
    const mine = this.local(userId);
    if (others.length === 0) return [mine];
    const requestId = randomUUID();
    const replies: OnlineUser[][] = [mine];
    await new Promise<void>((resolve) => {
      const timer = setTimeout(finish, this.timeoutMs);
      timer.unref?.();
      const entry: Pending = { waitingFor: new Set(others), replies, done: finish };
      this.pending.set(requestId, entry);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      void this.deps.bus.publish({ type: 'sessions_query', requestId, fromNodeId: this.deps.nodeId, userId }).catch(finish);
    });
    this.pending.delete(requestId);
    return replies;
  }

  private onMessage(message: BusMessage): void {
    if (message.type === 'sessions_query' && message.fromNodeId !== this.deps.nodeId) {
      const users = this.local(message.userId);
      void this.deps.bus
        .publish({ type: 'sessions_reply', requestId: message.requestId, toNodeId: message.fromNodeId, nodeId: this.deps.nodeId, users })
        .catch(() => undefined);
    } else if (message.type === 'sessions_reply' && message.toNodeId === this.deps.nodeId) {
      const pending = this.pending.get(message.requestId);
      if (!pending?.waitingFor.has(message.nodeId)) return;
      pending.waitingFor.delete(message.nodeId);
      pending.replies.push(message.users);
      if (pending.waitingFor.size === 0) pending.done();
    }
  }
}

/** One entry per user across nodes' answers, sessions oldest first, users by name. */
function merge(answers: readonly OnlineUser[][]): OnlineUser[] {
  const byId = new Map<string, OnlineUser>();
  for (const users of answers) {
    for (const user of users) {
      const known = byId.get(user.userId);
      if (known) known.sessions.push(...user.sessions);
      else byId.set(user.userId, { ...user, sessions: [...user.sessions] });
    }
  }
  const merged = [...byId.values()];
  for (const user of merged) user.sessions.sort((a, b) => a.connectedAt - b.connectedAt);
  return merged.sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
}
