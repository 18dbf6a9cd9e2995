/**
 * createHeraldServer: wires store, bus, services, HTTP routes and the WebSocket gateway into one
 * server, and owns its start and graceful stop. Everything is passed in or built here; nothing
 * reads globals, so tests run several servers in one process.
 */
import { HISTORY_PAGE_MAX } from '@herald/protocol';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { adminFeature } from './admin/admin-feature.js';
import { authRoutes } from './auth/auth-routes.js';
import { AuthService } from './auth/auth-service.js';
import { resolveJwtSecret } from './auth/tokens.js';
import type { Bus } from './bus/bus.js';
import { MemoryBus } from './bus/memory-bus.js';
import { RedisBus } from './bus/redis-bus.js';
import type { HeraldConfig } from './config.js';
import { conversationRoutes } from './conversations/conversation-routes.js';
import { ConversationService } from './conversations/conversation-service.js';
import { errorReportsFeature } from './errors/error-reports-feature.js';
import type { FeatureFactory, ServerContext } from './feature.js';
import { filesFeature } from './files/files-feature.js';
import { FrameRouter } from './gateway/frame-router.js';
import { Gateway } from './gateway/gateway.js';
import { LocalSessions } from './gateway/local-sessions.js';
import { bearerAuthenticator } from './http/bearer.js';
import { installErrorHandling } from './http/errors.js';
import { healthRoutes } from './http/health-routes.js';
import { MessageService } from './messages/message-service.js';
import { Metrics } from './metrics.js';
import { notificationsFeature } from './notifications/notifications-feature.js';
import { LoggingOfflineNotifier, type OfflineNotifier } from './notifications/offline-notifier.js';
import { PresenceService } from './presence/presence-service.js';
import { publishFeature } from './publish/publish-feature.js';
import { realtimeFeature } from './realtime/realtime-feature.js';
import { createStore } from './store/create-store.js';
import type { Store } from './store/store.js';
import { UserDirectory } from './users/user-directory.js';
import { webAppFeature } from './web/web-app-feature.js';

export interface HeraldServerOptions {
  config: HeraldConfig;
  /** Defaults to a pino logger at config.logLevel. */
  logger?: Logger;
  /** Defaults to the in-process bus. */
  bus?: Bus;
  /** Defaults to the store named by config.database. */
  store?: Store;
  /** Defaults to one that logs each offline delivery. */
  offlineNotifier?: OfflineNotifier;
}

/** Every feature module, in the order their hooks run. */
const FEATURES: readonly FeatureFactory[] = [
  notificationsFeature,
  publishFeature,
  realtimeFeature,
  adminFeature,
  filesFeature,
  errorReportsFeature,
  webAppFeature, // last: its catch-all GET serves the web app's index.html
];

export interface HeraldServer {
  readonly app: FastifyInstance;
  readonly config: HeraldConfig;
  readonly store: Store;
  readonly bus: Bus;
  readonly log: Logger;
  /** Listen on config.host:config.port; resolves with the bound URL (port 0 picks a free port). */
  listen(): Promise<string>;
  /** Graceful stop: refuse new sockets, finish in-flight work, close sockets with 1001, close the database. */
  close(): Promise<void>;
}

export async function createHeraldServer(options: HeraldServerOptions): Promise<HeraldServer> {
  const { config } = options;
  const log = options.logger ?? pino({ level: config.logLevel, base: { node: config.nodeId } });
  const store =
    options.store ??
    (await createStore(config.database, (error) =>
      log.warn({ err: error }, 'SQLite checkpoint worker stopped; the main connection checkpoints again'),
    ));
  const bus =
    options.bus ??
    (config.redis
      ? await RedisBus.connect({ ...config.redis, log }).catch(async (error: unknown) => {
          await store.close();
          throw error;
        })
      : new MemoryBus());
  const metrics = new Metrics();
  const startedAt = Date.now();
  let shuttingDown = false;

  const auth = new AuthService(store, {
    secret: resolveJwtSecret(config.jwtSecret, config.dataDir),
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
    adminEmail: config.adminEmail,
  });
  const users = new UserDirectory(store);
  const conversations = new ConversationService(store, bus, log);
  const messages = new MessageService(store, bus, conversations, users, metrics);
  const sessions = new LocalSessions(bus, metrics, {
    // Seqs missing from a conversation's stream on this node are read back from the store.
    fetchGap: async (conversationId, from, to, like) => {
      const page = await store.history(conversationId, { after: from - 1, before: to, limit: Math.min(HISTORY_PAGE_MAX, to - from) });
      return Promise.all(
        page.messages.map(async (m) => ({ ...like, seq: m.seq, frame: await messages.frameOf(m), publishedAt: Date.now() })),
      );
    },
    onError: (error) => log.warn({ err: error }, 'could not fetch a gap in a conversation stream'),
  });
  const presence = new PresenceService(bus, sessions, store, log, {
    nodeId: config.nodeId,
    graceMs: config.presenceGraceMs,
    refreshMs: 15_000,
  });
  const authenticate = bearerAuthenticator(auth);
  let gateway: Gateway | undefined;
  const context: ServerContext = {
    config,
    log,
    store,
    bus,
    metrics,
    auth,
    users,
    conversations,
    messages,
    sessions,
    connections: () => gateway?.all() ?? new Set(),
    authenticate,
    offlineNotifier: options.offlineNotifier ?? new LoggingOfflineNotifier(log),
    presence,
    nodeId: config.nodeId,
    startedAt,
  };
  const features = FEATURES.map((factory) => factory(context));
  sessions.listen({
    removed: (connection) => {
      for (const feature of features) feature.disconnected?.(connection);
    },
  });
  const limits = {
    maxFrameBytes: config.maxFrameBytes,
    ratePerSecond: config.ratePerSecond,
    burst: config.rateBurst,
  };
  const router = new FrameRouter({
    features,
    presence,
    auth,
    store,
    conversations,
    messages,
    sessions,
    connectedInfo: () => ({ heartbeatIntervalMs: config.heartbeatIntervalMs, limits }),
  });
  gateway = new Gateway(
    {
      path: '/ws',
      maxFrameBytes: config.maxFrameBytes,
      limits: { ratePerSecond: config.ratePerSecond, burst: config.rateBurst, sendBufferBytes: config.sendBufferBytes, strikeBurst: 10 },
      origins: { allowed: config.allowedOrigins, allowLocalhost: config.env !== 'production' },
      authTimeoutMs: config.authTimeoutMs,
      pingIntervalMs: config.pingIntervalMs,
    },
    router,
    sessions,
    metrics,
    log,
  );

  const app = Fastify({
    loggerInstance: log as FastifyBaseLogger,
    bodyLimit: 1024 * 1024,
  }) as unknown as FastifyInstance;
  installErrorHandling(app);
  await app.register(async (scope) => authRoutes(scope, { auth, store, users, authenticate, loginRateLimit: config.loginRateLimit }));
  await app.register(async (scope) => conversationRoutes(scope, { conversations, messages, authenticate }));
  await app.register(async (scope) =>
    healthRoutes(scope, { store, bus, metrics, nodeId: config.nodeId, startedAt, isShuttingDown: () => shuttingDown }),
  );
  for (const feature of features) {
    if (feature.routes) await app.register(async (scope) => feature.routes?.(scope));
  }
  gateway.attach(app.server);
  const liveGateway = gateway;

  let closing: Promise<void> | undefined;
  return {
    app,
    config,
    store,
    bus,
    log,
    async listen() {
      return app.listen({ port: config.port, host: config.host });
    },
    close() {
      closing ??= (async () => {
        shuttingDown = true;
        await liveGateway.shutdown();
        await messages.drain();
        for (const feature of features) await feature.close?.();
        presence.close();
        sessions.close();
        await app.close();
        await bus.close();
        await store.close();
      })();
      return closing;
    },
  };
}
