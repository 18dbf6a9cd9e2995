/**
 * Feature modules: how capabilities beyond core messaging (typing, receipts, presence,
 * notifications, publish API, files, admin) plug into the server without the core knowing them.
 * A feature gets the ServerContext, and may add HTTP routes, handle socket actions, and react to
 * sessions joining or leaving. Invariant: features talk to other nodes only through the Bus.
 */
import type { ClientAction, ClientFrame } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthService } from './auth/auth-service.js';
import type { Bus } from './bus/bus.js';
import type { HeraldConfig } from './config.js';
import type { ConversationService } from './conversations/conversation-service.js';
import type { Connection } from './gateway/connection.js';
import type { LocalSessions } from './gateway/local-sessions.js';
import type { Authenticator } from './http/bearer.js';
import type { MessageService } from './messages/message-service.js';
import type { Metrics } from './metrics.js';
import type { OfflineNotifier } from './notifications/offline-notifier.js';
import type { PresenceService } from './presence/presence-service.js';
import type { Store } from './store/store.js';
import type { UserDirectory } from './users/user-directory.js';

export interface ServerContext {
  config: HeraldConfig;
  log: Logger;
  store: Store;
  bus: Bus;
  metrics: Metrics;
  auth: AuthService;
  users: UserDirectory;
  conversations: ConversationService;
  messages: MessageService;
  sessions: LocalSessions;
  /** Every open connection on this node (authenticated or not). */
  connections: () => ReadonlySet<Connection>;
  authenticate: Authenticator;
  offlineNotifier: OfflineNotifier;
  presence: PresenceService;
  nodeId: string;
  startedAt: number;
}

/** Handles one socket action for an authenticated connection; throw HeraldError to answer with an error. */
export type FrameHandler = (connection: Connection, frame: ClientFrame) => Promise<void>;

export interface Feature {
  readonly name: string;
  /** Register HTTP routes (called inside an encapsulated Fastify plugin). */
  routes?(app: FastifyInstance): Promise<void>;
  /** Socket actions this feature answers. */
  frames?: Partial<Record<ClientAction, FrameHandler>>;
  /** Called right after a connection authenticated (after `connected` was sent). */
  connected?(connection: Connection): void | Promise<void>;
  /** Called when an authenticated connection closes. */
  disconnected?(connection: Connection): void;
  /** Stop timers and release resources (graceful shutdown). */
  close?(): void | Promise<void>;
}

export type FeatureFactory = (context: ServerContext) => Feature;
