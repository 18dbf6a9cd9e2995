/**
 * Who is connected to this node, as admins see it: users with their sessions (device, node,
 * since when). Built from LocalSessions on demand; nothing is stored.
 * Invariant: only authenticated connections appear (LocalSessions holds no others).
 */
import type { OnlineUser, SessionInfo } from '@herald/protocol';
import type { Connection } from '../gateway/connection.js';
import type { LocalSessions } from '../gateway/local-sessions.js';

/** One connection as a SessionInfo (undefined for a connection without a device, i.e. not authenticated). */
export function sessionInfo(connection: Connection, nodeId: string): SessionInfo | undefined {
  const device = connection.device;
  if (!device) return undefined;
  return {
    connectionId: connection.id,
    nodeId,
    deviceType: device.deviceType,
    deviceId: device.deviceId,
    deviceName: device.name ?? null,
    connectedAt: connection.openedAt,
  };
}

/** This node's sessions of one user, oldest first. */
export function sessionsOf(sessions: LocalSessions, userId: string, nodeId: string): SessionInfo[] {
  return [...sessions.ofUser(userId)]
    .flatMap((connection) => sessionInfo(connection, nodeId) ?? [])
    .sort((a, b) => a.connectedAt - b.connectedAt);
}

/** Every user connected to this node, by name. */
export function onlineUsers(sessions: LocalSessions, nodeId: string): OnlineUser[] {
  const users: OnlineUser[] = [];
  for (const [userId, connections] of sessions.users) {
    const user = [...connections].find((c) => c.user)?.user;
    if (!user) continue;
    users.push({ userId, name: user.name, role: user.role, sessions: sessionsOf(sessions, userId, nodeId) });
  }
  return users.sort((a, b) => a.name.localeCompare(b.name) || a.userId.localeCompare(b.userId));
}
