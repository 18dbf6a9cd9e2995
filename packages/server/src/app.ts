/**
 * createHeraldServer: the composition root. It opens the database and the bus, builds each
 * feature's repository, the services, the features and the WebSocket gateway from what each one
 * declares it needs (constructor injection, nothing looked up at run time), and owns the server's
 * start and graceful stop. Nothing reads globals, so tests run several servers in one process.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { adminFeature } from './admin/admin-feature.js';
import { auditFeature } from './audit/audit-feature.js';
import { AuditLog } from './audit/audit-log.js';
import { authRoutes } from './auth/auth-routes.js';
import { AuthService } from './auth/auth-service.js';
import { Authority } from './auth/authority.js';
import { HashQueue } from './auth/hash-queue.js';
import { PasswordHasher } from './auth/passwords.js';
import { RefreshCookie } from './auth/refresh-cookie.js';
import { SignInLimits } from './auth/sign-in-limits.js';
import { resolveJwtSecret } from './auth/tokens.js';
import type { Bus } from './bus/bus.js';
import { MemoryBus } from './bus/memory-bus.js';
import { RedisBus } from './bus/redis-bus.js';
import type { HeraldConfig } from './config.js';
import { conversationRoutes } from './conversations/conversation-routes.js';
import { ConversationService } from './conversations/conversation-service.js';
import { errorReportsFeature } from './errors/error-reports-feature.js';
import type { Feature } from './feature.js';
import { filesFeature, releaseFile, uploadStorage } from './files/files-feature.js';
import { ActionRegistry } from './gateway/action-registry.js';
import { CredentialWatch } from './gateway/credential-watch.js';
import { FrameRouter } from './gateway/frame-router.js';
import { Gateway } from './gateway/gateway.js';
import { LocalSessions } from './gateway/local-sessions.js';
import { sessionActions } from './gateway/session-actions.js';
import { createSocketLimits } from './gateway/socket-limits.js';
import { bearerAuthenticator } from './http/bearer.js';
import { trustProxyOption } from './http/client-ip.js';
import { installErrorHandling } from './http/errors.js';
import { healthRoutes } from './http/health-routes.js';
import { withRedactedRequests } from './http/log-redaction.js';
import { RequestDeadlines } from './http/request-deadlines.js';
import { installSecurityHeaders } from './http/security-headers.js';
import type { CounterStore } from './limits/counter-store.js';
import { MemoryCounterStore } from './limits/memory-counter-store.js';
import { RedisCounterStore } from './limits/redis-counter-store.js';
import { MentionResolver } from './messages/mention-resolver.js';
import { messageActions } from './messages/message-actions.js';
import { MessageChangeService } from './messages/message-change-service.js';
import { messageRetentionFeature } from './messages/message-retention.js';
import { MessageService } from './messages/message-service.js';
import { Metrics } from './metrics.js';
import { DirectPush } from './notifications/direct-push.js';
import { NotificationService } from './notifications/notification-service.js';
import { notificationsFeature } from './notifications/notifications-feature.js';
import { OfflineDelivery } from './notifications/offline-delivery.js';
import { LoggingOfflineNotifier, type OfflineNotifier } from './notifications/offline-notifier.js';
import { presenceActions } from './presence/presence-actions.js';
import { PresenceService } from './presence/presence-service.js';
import { publishFeature } from './publish/publish-feature.js';
import { ConversationMutes } from './push/conversation-mutes.js';
import { databasePushContext } from './push/push-context.js';
import { pushFeature } from './push/push-feature.js';
import { PushSender } from './push/push-sender.js';
import { resolveVapidKeys } from './push/vapid-keys.js';
import { WebPushNotifier } from './push/web-push-notifier.js';
import { realtimeFeature } from './realtime/realtime-feature.js';
import { createRepositories, type Repositories } from './repositories.js';
import { searchFeature } from './search/search-feature.js';
import { searchRepositoryFor } from './search/search-repository-for.js';
import { type DatabaseHandle, openDatabase } from './store/database-handle.js';
import { BlockList } from './users/block-list.js';
import { profileRoutes } from './users/profile-routes.js';
import { ProfileService } from './users/profile-service.js';
import { UserDirectory } from './users/user-directory.js';
import { userRoutes } from './users/user-routes.js';
import { webAppFeature } from './web/web-app-feature.js';

export interface HeraldServerOptions {
  config: HeraldConfig;
  /** Defaults to a pino logger at config.logLevel. */
  logger?: Logger;
  /** Defaults to the in-process bus. */
  bus?: Bus;
  /** Defaults to the database named by config.database (opened and migrated here). */
  database?: DatabaseHandle;
  /** Defaults to Web Push to the user's subscribed devices (push/web-push-notifier.ts). */
  offlineNotifier?: OfflineNotifier;
}

export interface HeraldServer {
  readonly app: FastifyInstance;
  readonly config: HeraldConfig;
  readonly database: DatabaseHandle;
  /** Each feature's persistence, on `database`. */
  readonly repositories: Repositories;
  readonly bus: Bus;
  readonly log: Logger;
  /** Listen on config.host:config.port; resolves with the bound URL (port 0 picks a free port). */
  listen(): Promise<string>;
  /**
   * Graceful stop: readiness answers 503 and new sockets are refused at once; HTTP and open sockets
   * are served for `drainDelayMs` more (so a load balancer's health check takes the node out first);
   * then in-flight work finishes, sockets close with 1001 (spread over `spreadMs`), the database closes.
   */
  close(options?: CloseOptions): Promise<void>;
}

/** How `HeraldServer.close` drains; both default to 0 (stop at once, as tests want). */
export interface CloseOptions {
  /** How long the node keeps serving after readiness turns 503, before it moves its sockets. */
  drainDelayMs?: number;
  /** The window over which the 1001 closes are spread at random. */
  spreadMs?: number;
}

export async function createHeraldServer(options: HeraldServerOptions): Promise<HeraldServer> {
  const { config } = options;
  const log = options.logger ?? pino({ level: config.logLevel, base: { node: config.nodeId } });

  // Infrastructure: the database (migrated), the bus, metrics.
  const database =
    options.database ??
    (await openDatabase(config.database, (error) =>
      log.warn({ err: error }, 'SQLite checkpoint worker stopped; the main connection checkpoints again'),
    ));
  const bus = options.bus ?? (await connectBus(config, log, database));
  const metrics = new Metrics();
  // Counters of the limits that hold across the cluster (Redis when configured, else this node).
  const counters: CounterStore = config.redis
    ? new RedisCounterStore({ url: config.redis.url, prefix: `${config.redis.channel}:limits`, log })
    : new MemoryCounterStore();
  const startedAt = Date.now();
  const { nodeId } = config;
  const secret = resolveJwtSecret(config.jwtSecret, config.dataDir);

  // Persistence: one repository per aggregate, each owned by its feature.
  const repositories = createRepositories(database);
  const { accounts, readPositions, files, apiKeys, errorReports } = repositories;
  // Security-relevant events (API keys, sessions, roles, accounts); a failed write is logged, never thrown.
  const audit = new AuditLog(repositories.audit, log);

  // Sign-in: every password hash through one bounded queue per node, every sign-in through the throttles.
  const signInLimits = new SignInLimits(
    counters,
    { ipPerMinute: config.loginRateLimit, ...config.signIn, accountBaseDelayMs: 1000 },
    metrics,
  );
  const passwords = new PasswordHasher(new HashQueue({ ...config.hashing, metrics }));

  // Core services.
  const auth = new AuthService(
    accounts,
    repositories.sessions,
    bus,
    log,
    {
      secret,
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      sessionTtlSeconds: config.sessionTtlSeconds,
      refreshReuse: config.refreshReuse,
      adminEmail: config.adminEmail,
    },
    { passwords, limits: signInLimits },
    audit,
  );
  // Who a token stands for now: session live, account enabled, current role (bus-invalidated cache).
  const authority = new Authority(accounts, repositories.sessions, bus, { cacheMs: 60_000, touchEveryMs: 60_000 });
  const authenticate = bearerAuthenticator(auth.accessTokens, authority);
  const origins = { allowed: config.allowedOrigins, allowLocalhost: config.env !== 'production' };
  const refreshCookie = new RefreshCookie({ origins, alwaysSecure: config.env === 'production' });
  const users = new UserDirectory(accounts);
  // Who blocked whom, cached per node and dropped on `blocks_changed` (checked on every direct message).
  const blocks = new BlockList(repositories.blocks, accounts, bus, log);
  const conversations = new ConversationService(repositories.conversations, accounts, bus, log, blocks, config.groups, metrics);
  // Mentions are resolved when a message is sent or edited (who may @all: HERALD_GROUP_MENTIONS).
  const mentions = new MentionResolver(repositories.conversations, (userId) => authority.roleOf(userId), config.messages.groupMentions);
  const messages = new MessageService(
    repositories.messages,
    files,
    bus,
    conversations,
    users,
    metrics,
    { changes: repositories.messageChanges, mentions },
    {
      // PostgreSQL: a batch is a round trip, so overlap a few (the pool has more connections).
      writeConcurrency: database.dialect === 'postgres' ? 4 : 1,
      attachWithinMs: config.uploads.unattachedTtlMs,
    },
  );
  // Edits, deletions and reactions: through the same writer, published as their own events.
  const uploads = uploadStorage(config.dataDir);
  const messageChanges = new MessageChangeService({
    changes: repositories.messageChanges,
    messages,
    conversations,
    mentions,
    roleOf: (userId) => authority.roleOf(userId),
    releaseFile: (fileId) => releaseFile(files, uploads, fileId),
    editWindowMs: config.messages.editWindowMs,
    metrics,
    log,
  });
  const sessions = new LocalSessions(bus, metrics, {
    fetchGap: (conversationId, from, to, like) => messages.eventsBetween(conversationId, from, to, like),
    fetchAfter: (conversationId, after) => messages.eventsAfter(conversationId, after),
    onError: (error) => log.warn({ err: error }, 'could not fetch a gap in a conversation stream'),
  });
  const presenceDirectory = {
    contactIds: (userId: string) => repositories.conversations.contactIds(userId),
    conversationIdsOf: (userId: string) => repositories.conversations.conversationIdsOf(userId),
    memberSet: (conversationId: string) => conversations.memberSet(conversationId),
  };
  const presence = new PresenceService(bus, sessions, presenceDirectory, log, {
    nodeId,
    graceMs: config.presenceGraceMs,
    refreshMs: config.presenceRefreshMs,
  });
  // The bus is back after an outage: what other nodes published meanwhile may never arrive here.
  // Drop the caches those messages keep fresh (member lists, block lists, local users' sessions and
  // accounts), read local streams' missed messages from the store, and re-announce this node's presence.
  const stopRestore = bus.onRestored(() => {
    conversations.forgetMembers();
    blocks.forgetAll();
    for (const userId of sessions.users.keys()) authority.forgetUser(userId);
    // Sessions ended while the bus was down: their sockets are closed now, not at token expiry.
    void credentialWatch.recheckAll();
    void sessions.fillGaps();
    presence.announceAll();
  });
  // Web Push to offline members' devices (VAPID keys from the environment or the data dir).
  const vapid = resolveVapidKeys(
    { publicKey: config.push.vapidPublicKey, privateKey: config.push.vapidPrivateKey, subject: config.push.vapidSubject },
    config.dataDir,
  );
  const webPush = options.offlineNotifier
    ? undefined
    : new WebPushNotifier(
        {
          subscriptions: repositories.pushSubscriptions,
          mutes: repositories.mutes,
          names: databasePushContext(database.db),
          sender: new PushSender(vapid, { timeoutMs: config.push.timeoutMs }),
          isOnline: (userId) => presence.isOnline(userId),
          log,
        },
        { collapseMs: config.push.collapseMs, retryBaseMs: config.push.retryBaseMs ?? 1_000, retryMaxMs: config.push.retryMaxMs ?? 60_000 },
      );
  const offline = new OfflineDelivery(presence, options.offlineNotifier ?? webPush ?? new LoggingOfflineNotifier(log), log);
  const notifications = new NotificationService(repositories.notifications, accounts, bus, conversations, offline, log);
  const direct = new DirectPush(accounts, bus, conversations);

  // Features, in the order their hooks run.
  let gateway: Gateway | undefined;
  const features: readonly Feature[] = [
    notificationsFeature({ notifications, direct, offline, messages, authenticate }),
    publishFeature({ apiKeys, messages, notifications, direct, authenticate, authority, audit }),
    auditFeature({ audit, authenticate }),
    pushFeature({
      subscriptions: repositories.pushSubscriptions,
      mutes: new ConversationMutes(repositories.mutes, conversations, bus),
      vapidPublicKey: vapid.publicKey,
      endpoints: { hosts: config.push.endpointHosts, allowInsecureLoopback: config.push.allowInsecureEndpoints },
      authenticate,
      closeNotifier: () => webPush?.close(),
    }),
    realtimeFeature({
      bus,
      conversations,
      members: repositories.conversations,
      readPositions,
      deliveredPositions: repositories.deliveredPositions,
      users,
      presence,
      authenticate,
      log,
    }),
    adminFeature({
      bus,
      metrics,
      sessions,
      presence,
      connections: () => gateway?.all() ?? new Set(),
      log,
      nodeId,
      startedAt,
      authenticate,
      accounts,
      authority,
    }),
    filesFeature({ files, authenticate, log, dataDir: config.dataDir, secret, uploads: config.uploads, metrics }),
    errorReportsFeature({
      reports: errorReports,
      accounts,
      authenticate,
      counters,
      metrics,
      log,
      perIpPerMinute: config.errorReportRateLimit,
      limits: config.errorReports,
    }),
    searchFeature({
      repository: searchRepositoryFor(database, undefined, {
        onProblem: (error) => log.warn({ err: error }, 'search indexing failed; retrying'),
      }),
      conversations,
      counters,
      metrics,
      authenticate,
      limits: config.search,
    }),
    ...(config.messageRetentionMs !== undefined
      ? [messageRetentionFeature({ messages: repositories.messages, retentionMs: config.messageRetentionMs, log })]
      : []),
    webAppFeature({ webDir: config.webDir, serveSourceMaps: config.env !== 'production' }), // last: its catch-all GET serves the web app's index.html
  ];
  sessions.listen({
    removed: (connection) => {
      for (const feature of features) feature.disconnected?.(connection);
    },
  });
  // Revocations and account changes from any node reach this node's live sockets (close, or re-read the account).
  const credentialWatch = new CredentialWatch({
    bus,
    sessions,
    authority,
    onAccountChanged: (connection) => {
      for (const feature of features) feature.accountChanged?.(connection);
    },
    log,
  });

  // The WebSocket gateway: every socket action, the core's and each feature's, in one registry.
  // Per-IP upgrade limits, the per-account socket cap and frame rate (gateway/socket-limits.ts).
  const socketLimits = createSocketLimits(config, { counters, metrics, sessions, log });
  const limits = {
    maxFrameBytes: config.maxFrameBytes,
    ratePerSecond: config.ratePerSecond,
    burst: config.rateBurst,
    ...socketLimits.advertised,
  };
  const connectedInfo = { heartbeatIntervalMs: config.heartbeatIntervalMs, limits };
  const actions = new ActionRegistry()
    .register('session', sessionActions({ auth, authority, sessions, features, connectedInfo, userSockets: socketLimits.userSockets }))
    .register('messages', messageActions({ conversations, messages, changes: messageChanges, viewers: sessions.viewers }))
    .register(
      'presence',
      presenceActions({
        presence,
        assertMember: (conversationId, userId, what) => conversations.assertMember(conversationId, userId, what),
      }),
    );
  for (const feature of features) actions.register(feature.name, feature.frames ?? {});
  const router = new FrameRouter({ actions, maxFrameBytes: config.maxFrameBytes, metrics, log, userRates: socketLimits.userRates });
  gateway = new Gateway(
    {
      path: '/ws',
      maxFrameBytes: config.maxFrameBytes,
      limits: { ratePerSecond: config.ratePerSecond, burst: config.rateBurst, sendBufferBytes: config.sendBufferBytes, strikeBurst: 10 },
      origins,
      authTimeoutMs: config.authTimeoutMs,
      pingIntervalMs: config.pingIntervalMs,
      tokenGraceMs: config.tokenGraceMs,
      upgrades: socketLimits.upgrades,
    },
    router,
    sessions,
    metrics,
    log,
  );

  // HTTP: core routes, then each feature's.
  let shuttingDown = false;
  const app = Fastify({
    // Request lines log the URL with signed-link signatures redacted (http/log-redaction.ts).
    loggerInstance: withRedactedRequests(log) as FastifyBaseLogger,
    // Routes without a body; JSON routes take theirs from the contract (`bodyLimit`, 413 `too_big`).
    bodyLimit: 8 * 1024,
    // Idle keep-alive connections close after this: longer than a load balancer's own idle
    // timeout (60 s on AWS ALB/nginx), so the balancer always closes first and never reuses a
    // connection the server is closing (a 502).
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    // Node's one-deadline-per-server timeout stays off: request bodies are timed per route by
    // RequestDeadlines below (an upload must keep moving; any other body has requestTimeoutMs).
    requestTimeout: 0,
    // Headers must all arrive within headersTimeoutMs of the connection (or the request) start;
    // Node checks every connectionsCheckingInterval (30 s by default: far too coarse).
    http: { headersTimeout: config.http.headersTimeoutMs, connectionsCheckingInterval: config.http.checkIntervalMs },
    // Behind a load balancer, request.ip is the client's (HERALD_TRUST_PROXY; http/client-ip.ts).
    trustProxy: trustProxyOption(config.trustProxy),
  }) as unknown as FastifyInstance;
  installErrorHandling(app, metrics);
  const deadlines = new RequestDeadlines(config.http, metrics);
  deadlines.install(app);
  // Headers that never finished (Node's headersTimeout) count as a limit rejection too.
  app.server.on('clientError', (error: NodeJS.ErrnoException) => {
    if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') metrics.limitRejections.inc({ limit: 'http_headers_timeout' });
  });
  await installSecurityHeaders(app);
  await app.register(async (scope) => authRoutes(scope, { auth, accounts, users, authenticate, refreshCookie, signInLimits }));
  await app.register(async (scope) => userRoutes(scope, { accounts, users, blocks, bus, authenticate, audit }));
  const profiles = new ProfileService({
    profiles: repositories.profiles,
    files: repositories.files,
    contacts: repositories.conversations,
    users,
    bus,
    log,
  });
  await app.register(async (scope) => profileRoutes(scope, { profiles, accounts, authenticate }));
  await app.register(async (scope) => conversationRoutes(scope, { conversations, messages, changes: messageChanges, authenticate }));
  await app.register(async (scope) =>
    healthRoutes(scope, { database, bus, metrics, nodeId, startedAt, isShuttingDown: () => shuttingDown }),
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
    database,
    repositories,
    bus,
    log,
    listen: () => app.listen({ port: config.port, host: config.host }),
    close(options: CloseOptions = {}) {
      closing ??= (async () => {
        shuttingDown = true;
        liveGateway.stopAccepting();
        const drainDelayMs = options.drainDelayMs ?? 0;
        if (drainDelayMs > 0) {
          log.info({ drainDelayMs }, 'draining: readiness is 503; serving until the load balancer notices');
          await new Promise((resolve) => setTimeout(resolve, drainDelayMs));
        }
        await liveGateway.shutdown({ spreadMs: options.spreadMs ?? 0 });
        await socketLimits.close();
        await messages.drain();
        for (const feature of features) await feature.close?.();
        presence.close();
        credentialWatch.close();
        stopRestore();
        sessions.close();
        authority.close();
        blocks.close();
        await app.close();
        deadlines.close();
        await bus.close();
        await counters.close();
        await database.close();
      })();
      return closing;
    },
  };
}

/**
 * Redis when configured, else the in-process bus. A node whose Redis is down still starts (the bus
 * is degraded: local clients are served, other nodes' messages arrive once Redis returns).
 */
async function connectBus(config: HeraldConfig, log: Logger, database: DatabaseHandle): Promise<Bus> {
  if (!config.redis) return new MemoryBus();
  return RedisBus.connect({ ...config.redis, log }).catch(async (error: unknown) => {
    await database.close();
    throw error;
  });
}
