/**
 * @herald/client/shared: one WebSocket per browser, shared by every tab of an origin and user.
 * `createClient({ ..., shareConnection: shareConnection({ key: userId }) })`; a separate entry so
 * apps that do not share pay nothing for it.
 */
export type { ConnectionSharing, SharingRole } from '../connection-sharing.js';
export { ChannelSocket } from './channel-socket.js';
export { ConnectionHub } from './connection-hub.js';
export { type ElectionOptions, LeaderElection, type LockManagerLike, type Role } from './leader-election.js';
export { type ShareConnectionOptions, SharedConnection, shareConnection } from './shared-connection.js';
export { type BroadcastChannelLike, TabChannel, type TabMessage } from './tab-channel.js';
