/**
 * Server configuration: every environment variable Herald reads, validated at start.
 * Invariant: a bad value stops the start with a message naming the variable; README's table mirrors ENV_DOCS.
 */
import { availableParallelism, hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { defaultHashConcurrency } from './auth/hash-queue.js';
import { parseTrustProxy, type TrustProxy } from './http/client-ip.js';

const DAY_MS = 24 * 3600_000;
/** The push services browsers subscribe with (Chrome/Edge via FCM, Firefox, Windows, Safari). */
const DEFAULT_PUSH_HOSTS = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  'push.services.mozilla.com',
  'notify.windows.com',
  'push.apple.com',
];
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

const EnvSchema = z.object({
  PORT: int(0, 65535).default(8000),
  HOST: z.string().min(1).default('localhost'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HERALD_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'must be a plain lowercase schema name')
    .optional(),
  HERALD_JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  HERALD_ACCESS_TOKEN_TTL: int(2).default(900),
  HERALD_REFRESH_TOKEN_TTL: int(60).default(30 * 24 * 3600),
  HERALD_SESSION_TTL: int(60).default(30 * 24 * 3600),
  HERALD_TOKEN_GRACE_MS: int(0, 600_000).default(5_000),
  HERALD_REFRESH_REUSE: z.enum(['session', 'all']).default('session'),
  HERALD_ADMIN_EMAIL: z.string().email().optional(),
  HERALD_ALLOWED_ORIGINS: z.string().optional(),
  HERALD_MAX_FRAME_BYTES: int(1024, 16 * 1024 * 1024).default(64 * 1024),
  HERALD_RATE_PER_SECOND: z.coerce.number().positive().default(20),
  HERALD_RATE_BURST: int(1).default(40),
  HERALD_SEND_BUFFER_BYTES: int(1024).default(1024 * 1024),
  HERALD_USER_SOCKETS: int(1).default(20),
  HERALD_USER_RATE_PER_SECOND: z.coerce.number().positive().default(30),
  HERALD_USER_RATE_BURST: int(1).default(60),
  HERALD_IP_PENDING_SOCKETS: int(1).default(50),
  HERALD_IP_HANDSHAKES_PER_MINUTE: int(1).default(300),
  HERALD_PING_INTERVAL_MS: int(100).default(30_000),
  HERALD_HEARTBEAT_INTERVAL_MS: int(100).default(45_000),
  HERALD_AUTH_TIMEOUT_MS: int(100).default(5_000),
  HERALD_LOGIN_RATE_LIMIT: int(1).default(10),
  HERALD_LOGIN_GLOBAL_PER_MINUTE: int(1).default(600),
  HERALD_LOGIN_ACCOUNT_FAILURES: int(1).default(5),
  HERALD_LOGIN_ACCOUNT_WINDOW: int(1).default(3600),
  HERALD_LOGIN_ACCOUNT_MAX_DELAY: int(1).default(900),
  HERALD_HASH_CONCURRENCY: int(1, 64).optional(),
  HERALD_HASH_QUEUE: int(0).default(32),
  HERALD_TRUST_PROXY: z
    .string()
    .refine((value) => parseTrustProxy(value) !== undefined, 'must be true, false, a hop count, or comma-separated addresses/CIDRs')
    .optional(),
  HERALD_PRESENCE_GRACE_MS: int(0).default(3_000),
  HERALD_PRESENCE_REFRESH_MS: int(200, 3_600_000).default(15_000),
  HERALD_UPLOAD_MAX_IMAGE_BYTES: int(1).default(10 * 1024 * 1024),
  HERALD_UPLOAD_MAX_AUDIO_BYTES: int(1).default(100 * 1024 * 1024),
  HERALD_UPLOAD_MAX_VIDEO_BYTES: int(1).default(500 * 1024 * 1024),
  HERALD_UPLOAD_MAX_DOCUMENT_BYTES: int(1).default(50 * 1024 * 1024),
  HERALD_UPLOAD_ALLOWED_TYPES: z
    .string()
    .regex(/^\s*[\w.+-]+\/(\*|[\w.+-]+)\s*(,\s*[\w.+-]+\/(\*|[\w.+-]+)\s*)*$/, 'must be comma-separated MIME types (type/* allowed)')
    .optional(),
  HERALD_FILE_LINK_TTL: int(10, 600).default(300),
  HERALD_UPLOAD_QUOTA_BYTES: int(1).default(1024 * 1024 * 1024),
  HERALD_UPLOAD_UNATTACHED_TTL: int(1).default(24 * 3600),
  HERALD_ERROR_REPORT_RATE_LIMIT: int(1).default(10),
  HERALD_SEARCH_PER_MINUTE: int(1).default(60),
  HERALD_GROUPS_PER_HOUR: int(1).default(30),
  HERALD_GROUP_MAX_MEMBERS: int(2, 100_000).default(1000),
  HERALD_GROUP_ADD: z.enum(['contacts', 'anyone']).default('contacts'),
  HERALD_EDIT_WINDOW_SECONDS: int(0).default(0),
  HERALD_GROUP_MENTIONS: z.enum(['admins', 'members']).default('admins'),
  HERALD_ERROR_REPORT_MAX_BYTES: int(1024, 1024 * 1024).default(16 * 1024),
  HERALD_ERROR_REPORTS_PER_MINUTE: int(1).default(300),
  HERALD_ERROR_REPORT_RETENTION_DAYS: z.coerce.number().positive().default(30),
  HERALD_ERROR_REPORT_MAX_ROWS: int(1).default(100_000),
  HERALD_MESSAGE_RETENTION_DAYS: z.coerce.number().min(0).default(0),
  HERALD_HTTP_REQUEST_TIMEOUT_MS: int(100).default(30_000),
  HERALD_HTTP_HEADERS_TIMEOUT_MS: int(100).default(10_000),
  HERALD_HTTP_KEEP_ALIVE_TIMEOUT_MS: int(100).default(72_000),
  HERALD_HTTP_UPLOAD_IDLE_TIMEOUT_MS: int(100).default(30_000),
  HERALD_HTTP_UPLOAD_MIN_BYTES_PER_SECOND: int(0).default(1024),
  HERALD_HTTP_TIMEOUT_CHECK_MS: int(10, 60_000).default(1_000),
  HERALD_NODE_ID: z.string().min(1).optional(),
  HERALD_WEB_DIR: z.string().min(1).default('./apps/web/dist'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  HERALD_REDIS_CHANNEL: z.string().min(1).default('herald:bus'),
  HERALD_BUS_QUEUE_BYTES: int(65536).default(64 * 1024 * 1024),
  // push
  HERALD_VAPID_PUBLIC_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{80,100}$/, 'must be a base64url P-256 public key')
    .optional(),
  HERALD_VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{40,50}$/, 'must be a base64url P-256 private key')
    .optional(),
  HERALD_VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:|https:\/\/)\S+$/, 'must be a mailto: or https:// URL')
    .default('mailto:push@herald.invalid'),
  HERALD_PUSH_ENDPOINT_HOSTS: z
    .string()
    .regex(/^\s*[a-z0-9.-]+\s*(,\s*[a-z0-9.-]+\s*)*$/i, 'must be comma-separated host names')
    .optional(),
  HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS: z.enum(['true', 'false']).default('false'),
  HERALD_PUSH_COLLAPSE_MS: int(0, 600_000).default(2_000),
  HERALD_PUSH_TIMEOUT_MS: int(100, 120_000).default(10_000),
});

/** One line per variable for README and `--help`-style messages. */
export const ENV_DOCS: Record<keyof z.infer<typeof EnvSchema>, string> = {
  PORT: 'HTTP and WebSocket port (default 8000)',
  HOST: 'interface to listen on (default localhost; 0.0.0.0 for all)',
  NODE_ENV: 'development | production | test (default development)',
  LOG_LEVEL: 'pino level (default info)',
  HERALD_DATA_DIR: 'where the SQLite file, generated secret and uploads live (default ./data)',
  DATABASE_URL: 'postgres:// URL; when set, PostgreSQL replaces SQLite',
  DATABASE_SCHEMA: 'PostgreSQL schema to use (default: the search_path default, usually public)',
  HERALD_JWT_SECRET: 'HMAC secret for access tokens, >= 32 chars (required in production; generated into the data dir otherwise)',
  HERALD_ACCESS_TOKEN_TTL: 'access token lifetime in seconds (default 900; a socket must `reauthenticate` before it ends)',
  HERALD_REFRESH_TOKEN_TTL: 'sliding refresh token lifetime in seconds: a session unused this long ends (default 2592000 = 30 days)',
  HERALD_SESSION_TTL: 'absolute session lifetime in seconds: no refresh extends a session past it (default 2592000 = 30 days)',
  HERALD_TOKEN_GRACE_MS:
    'how long past its access token expiry a socket may stay open without `reauthenticate` before the server closes it with 4001 token_expired (default 5000)',
  HERALD_REFRESH_REUSE:
    'what a spent refresh token presented again ends: `session` (that session, default) or `all` (every session of the user)',
  HERALD_ADMIN_EMAIL:
    'TRUSTED OPERATORS ONLY: an account registered with this email becomes admin, and nobody proves they own the email; set it only when you register that account before anyone else can reach the server (the first account on an empty database always becomes admin, atomically)',
  HERALD_ALLOWED_ORIGINS:
    "comma-separated extra browser origins allowed to open sockets, besides the server's own (localhost is allowed outside production)",
  HERALD_MAX_FRAME_BYTES: 'largest accepted socket frame (default 65536)',
  HERALD_RATE_PER_SECOND: 'per-connection frame rate, token-bucket refill per second (default 20)',
  HERALD_RATE_BURST: 'per-connection token-bucket size (default 40)',
  HERALD_SEND_BUFFER_BYTES: 'unsent bytes a socket may queue before it is closed as a slow consumer (default 1048576)',
  HERALD_USER_SOCKETS:
    'most sockets one account may have open at once, across all nodes when REDIS_URL is set; the next `authenticate` is refused with `rate_limited` (limit user_sockets) and close 4029 (default 20)',
  HERALD_USER_RATE_PER_SECOND:
    "per-account frame rate shared by all of the account's sockets on a node, token-bucket refill per second; never below HERALD_RATE_PER_SECOND (default 30)",
  HERALD_USER_RATE_BURST:
    "per-account token-bucket size shared by all of the account's sockets on a node; never below HERALD_RATE_BURST (default 60)",
  HERALD_IP_PENDING_SOCKETS:
    'most sockets one client IP may hold open on a node before they authenticate; past it the upgrade gets HTTP 429 (default 50)',
  HERALD_IP_HANDSHAKES_PER_MINUTE:
    'WebSocket upgrades accepted per minute per client IP, across all nodes when REDIS_URL is set; past it HTTP 429 with Retry-After (default 300)',
  HERALD_PING_INTERVAL_MS:
    'WebSocket liveness: a socket silent this long (no frame, no pong) is pinged, and dropped if it stays silent as long again (default 30000)',
  HERALD_HEARTBEAT_INTERVAL_MS: 'heartbeat interval advertised to clients (default 45000)',
  HERALD_AUTH_TIMEOUT_MS: 'time a new socket has to send `authenticate` (default 5000)',
  HERALD_LOGIN_RATE_LIMIT: 'register/login/refresh/password-change requests per minute per IP, each route its own budget (default 10)',
  HERALD_LOGIN_GLOBAL_PER_MINUTE:
    'logins + registrations per minute across the whole cluster, past which all are refused with 429 (default 600)',
  HERALD_LOGIN_ACCOUNT_FAILURES:
    'failed logins per account (any email, existing or not) before each further attempt must wait a delay doubling from 1 s (default 5)',
  HERALD_LOGIN_ACCOUNT_WINDOW: "how long an account's failed logins are remembered, in seconds (default 3600; a success clears them)",
  HERALD_LOGIN_ACCOUNT_MAX_DELAY: 'longest delay between login attempts on one account, in seconds (default 900)',
  HERALD_HASH_CONCURRENCY:
    'password hashes running at once per node (default: half the cores, 1 to 2, so hashing never takes the thread pool file I/O needs)',
  HERALD_HASH_QUEUE: 'password hashes waiting per node; past it sign-ins are refused at once with 429 (default 32)',
  HERALD_TRUST_PROXY:
    'whom to believe X-Forwarded-For from: false (default), true, a hop count, or comma-separated proxy addresses/CIDRs; the client IP every per-IP limit counts (docs/deploy.md)',
  HERALD_PRESENCE_GRACE_MS: 'how long a user stays online after their last session closes, so reloads do not flap (default 3000)',
  HERALD_PRESENCE_REFRESH_MS:
    "how often a node re-announces its users' presence to the cluster; a node that stops (killed) has its users shown offline 3 to 4 periods later (default 15000)",
  HERALD_UPLOAD_MAX_IMAGE_BYTES: 'largest accepted image upload in bytes (default 10485760 = 10 MiB)',
  HERALD_UPLOAD_MAX_AUDIO_BYTES: 'largest accepted audio upload in bytes (default 104857600 = 100 MiB)',
  HERALD_UPLOAD_MAX_VIDEO_BYTES: 'largest accepted video upload in bytes (default 524288000 = 500 MiB)',
  HERALD_UPLOAD_MAX_DOCUMENT_BYTES: 'largest accepted document (PDF, Office, text) upload in bytes (default 52428800 = 50 MiB)',
  HERALD_UPLOAD_ALLOWED_TYPES:
    'comma-separated MIME types uploads may have, detected from the content (`type/*` allowed; default: png, jpeg, gif, webp, mp3, ogg, wav, m4a/aac, webm audio, mp4, webm, pdf, docx/xlsx/pptx, doc/xls/ppt, plain text, csv)',
  HERALD_FILE_LINK_TTL: 'lifetime in seconds of signed file download links, 10-600 (default 300)',
  HERALD_UPLOAD_QUOTA_BYTES:
    'most bytes of uploads one user may have stored; an upload that would pass it is refused with 413 too_big, limit upload_quota (default 1073741824 = 1 GiB)',
  HERALD_UPLOAD_UNATTACHED_TTL:
    'seconds an upload may stay unattached to any message before a sweep deletes it, bytes and all (default 86400 = 24 h; it must be attached within this time)',
  HERALD_ERROR_REPORT_RATE_LIMIT: 'client error reports accepted per minute per IP, across all nodes (default 10)',
  HERALD_SEARCH_PER_MINUTE:
    'message searches (socket `search` and GET /api/v1/search together) one user may run per minute, across all nodes; past it 429 rate_limited, limit search_user (default 60)',
  HERALD_GROUPS_PER_HOUR:
    'groups one user may create in any hour, counted in the database (so across all nodes); past it 429 rate_limited, limit groups_per_hour (default 30)',
  HERALD_GROUP_MAX_MEMBERS:
    'most members of one group, 2-100000; creating or adding past it is refused whole with 413 too_big, limit group_members (default 1000)',
  HERALD_EDIT_WINDOW_SECONDS:
    'seconds after sending during which its author may edit a message; past it 403 forbidden (reason edit_window); 0 = always (default 0)',
  HERALD_GROUP_MENTIONS:
    '`admins`: only the group owner and admins may notify everyone with @all / @here (from others they stay plain text); `members`: every member may (default admins)',
  HERALD_GROUP_ADD:
    '`contacts`: a user may put into a group only people they already share a conversation with (else 403 forbidden, reason not_a_contact); `anyone`: no such rule (blocks still hold) (default contacts)',
  HERALD_ERROR_REPORT_MAX_BYTES: 'largest accepted client error report body in bytes, 1024-1048576 (default 16384)',
  HERALD_ERROR_REPORTS_PER_MINUTE: 'client error reports accepted per minute from all sources together, across all nodes (default 300)',
  HERALD_ERROR_REPORT_RETENTION_DAYS: 'days client error reports are kept before a sweep deletes them; decimals allowed (default 30)',
  HERALD_ERROR_REPORT_MAX_ROWS: 'most client error reports kept; past it a sweep deletes the oldest (default 100000)',
  HERALD_MESSAGE_RETENTION_DAYS:
    'days messages are kept before a sweep deletes them (seqs are never reused; clients are told the oldest kept seq); decimals allowed; 0 keeps them forever (default 0)',
  HERALD_HTTP_REQUEST_TIMEOUT_MS:
    'time a request body (other than an upload) has to arrive once its headers have; past it 408 and the connection closes (default 30000)',
  HERALD_HTTP_HEADERS_TIMEOUT_MS:
    'time the request headers have to arrive from the connection or request start; past it 408 and close (default 10000)',
  HERALD_HTTP_KEEP_ALIVE_TIMEOUT_MS:
    'idle keep-alive connections close after this; keep it above your load balancer idle timeout (default 72000, above the usual 60 s)',
  HERALD_HTTP_UPLOAD_IDLE_TIMEOUT_MS:
    'an upload has no deadline while it keeps moving; it is dropped when a window this long brings too few bytes (default 30000)',
  HERALD_HTTP_UPLOAD_MIN_BYTES_PER_SECOND:
    'slowest average an upload may keep over each window above, in bytes per second; 0 only requires some progress (default 1024)',
  HERALD_HTTP_TIMEOUT_CHECK_MS: 'how often the HTTP timeouts are checked, so a timeout fires up to this late, 10-60000 (default 1000)',
  HERALD_NODE_ID: "this node's id in stats and logs (default hostname-pid)",
  HERALD_WEB_DIR: 'the built web app served at / (default ./apps/web/dist)',
  REDIS_URL: 'redis:// URL; when set, nodes fan out through Redis pub/sub (several nodes behind one load balancer) instead of in-process',
  HERALD_REDIS_CHANNEL: 'the Redis pub/sub channel (default herald:bus); deployments sharing one Redis need different ones',
  HERALD_BUS_QUEUE_BYTES:
    'most message text a node queues for other nodes while Redis is down (default 67108864 = 64 MiB); past it the oldest are dropped (nodes read conversation messages back from the store when Redis returns)',
  // push
  HERALD_VAPID_PUBLIC_KEY:
    'Web Push VAPID public key (base64url; with HERALD_VAPID_PRIVATE_KEY; every node of a cluster needs the same pair); unset: generated once into <data dir>/vapid.json',
  HERALD_VAPID_PRIVATE_KEY: 'Web Push VAPID private key (base64url); keep it secret; changing the pair orphans every push subscription',
  HERALD_VAPID_SUBJECT:
    'contact push services may use to reach the operator, mailto: or https:// (default mailto:push@herald.invalid; set a real one in production)',
  HERALD_PUSH_ENDPOINT_HOSTS:
    'comma-separated push service hosts a subscription endpoint may name (a host or any subdomain of it); the server POSTs only there (default: fcm.googleapis.com, updates.push.services.mozilla.com, push.services.mozilla.com, notify.windows.com, push.apple.com)',
  HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS:
    'TESTS ONLY: `true` also accepts http:// endpoints on 127.0.0.1 / [::1] (a local push service); refused when NODE_ENV=production (default false)',
  HERALD_PUSH_COLLAPSE_MS:
    'messages of one conversation within this window after the first become one push per offline member (the notification then updates) (default 2000)',
  HERALD_PUSH_TIMEOUT_MS: 'time a push service has to answer one push before it counts as failed and is retried (default 10000)',
};

export interface HeraldConfig {
  port: number;
  host: string;
  env: 'development' | 'production' | 'test';
  logLevel: string;
  dataDir: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string | undefined };
  /** Undefined means "generate one and keep it in the data dir" (never in production). */
  jwtSecret: string | undefined;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionTtlSeconds: number;
  tokenGraceMs: number;
  refreshReuse: 'session' | 'all';
  adminEmail: string | undefined;
  /** Explicit allowlist; undefined = own origin (+ localhost outside production). */
  allowedOrigins: string[] | undefined;
  maxFrameBytes: number;
  ratePerSecond: number;
  rateBurst: number;
  sendBufferBytes: number;
  /** Socket limits per account and per client IP (docs/protocol.md "Limits"). */
  sockets: {
    /** Most open sockets per account (cluster-wide with Redis). */
    perUser: number;
    /** The per-account frame bucket shared by the account's sockets on a node (never below the per-connection one). */
    userRatePerSecond: number;
    userBurst: number;
    /** Most unauthenticated sockets per client IP on a node. */
    pendingPerIp: number;
    /** Upgrades per minute per client IP (cluster-wide with Redis). */
    handshakesPerMinute: number;
  };
  pingIntervalMs: number;
  heartbeatIntervalMs: number;
  authTimeoutMs: number;
  loginRateLimit: number;
  /** Sign-in throttles (auth/sign-in-limits.ts); times in ms. */
  signIn: { globalPerMinute: number; accountFailures: number; accountWindowMs: number; accountMaxDelayMs: number };
  /** Password hashing queue per node (auth/hash-queue.ts). */
  hashing: { concurrency: number; maxWaiting: number };
  /** Fastify's trustProxy: whose X-Forwarded-For names the client (http/client-ip.ts). */
  trustProxy: TrustProxy;
  presenceGraceMs: number;
  presenceRefreshMs: number;
  uploads: {
    /** Largest accepted upload per kind, in bytes. */
    maxBytes: { image: number; audio: number; video: number; document: number };
    /** MIME patterns uploads may have; undefined = the built-in default list. */
    allowedTypes: string[] | undefined;
    /** Lifetime of signed download links. */
    linkTtlSeconds: number;
    /** Most bytes of stored uploads per user. */
    quotaBytes: number;
    /** How long an upload may stay unattached before the sweep deletes it. */
    unattachedTtlMs: number;
  };
  errorReportRateLimit: number;
  /** Message search: searches per user per window (the window is a minute; tests shorten it). */
  search: { perMinute: number; windowMs?: number | undefined };
  /** Caps on groups: created per user per hour, members per group. */
  groups: { groupsPerHour: number; maxMembers: number; addRule: 'contacts' | 'anyone' };
  /** Edits and mentions: how long a message stays editable (0 = always); who may use @all / @here. */
  messages: { editWindowMs: number; groupMentions: 'admins' | 'members' };
  errorReports: {
    /** Largest accepted report body. */
    maxBytes: number;
    /** Reports accepted per minute from all sources together. */
    perMinute: number;
    /** Reports older than this are deleted by the retention sweep. */
    retentionMs: number;
    /** Most reports kept (the oldest beyond it are deleted by the sweep). */
    maxRows: number;
    /** The window of both report rates: one minute (tests shorten it; no variable sets it). */
    windowMs?: number | undefined;
  };
  /** Messages older than this are deleted by the retention sweep; undefined keeps them forever. */
  messageRetentionMs: number | undefined;
  /** HTTP timeouts (app.ts, http/request-deadlines.ts), all in ms. */
  http: {
    requestTimeoutMs: number;
    headersTimeoutMs: number;
    keepAliveTimeoutMs: number;
    uploadIdleTimeoutMs: number;
    uploadMinBytesPerSecond: number;
    checkIntervalMs: number;
  };
  nodeId: string;
  webDir: string;
  /** Undefined: the in-process bus (one node). */
  redis: { url: string; channel: string; maxQueuedBytes: number } | undefined;
  /** Web Push (push/): VAPID identity, which endpoints may be pushed to, the burst window, retries. */
  push: {
    vapidPublicKey: string | undefined;
    vapidPrivateKey: string | undefined;
    vapidSubject: string;
    /** Hosts (and their subdomains) an endpoint may name. */
    endpointHosts: string[];
    /** Tests only: http endpoints on loopback addresses are accepted too. */
    allowInsecureEndpoints: boolean;
    collapseMs: number;
    timeoutMs: number;
    /** The first retry's delay; each further one doubles, up to `retryMaxMs` (tests shorten them; no variable sets them). */
    retryBaseMs?: number | undefined;
    retryMaxMs?: number | undefined;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Read and validate configuration from an environment; throws ConfigError naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): HeraldConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (Boolean(e.HERALD_VAPID_PUBLIC_KEY) !== Boolean(e.HERALD_VAPID_PRIVATE_KEY)) {
    throw new ConfigError(
      'invalid configuration:\n  HERALD_VAPID_PRIVATE_KEY: HERALD_VAPID_PUBLIC_KEY and HERALD_VAPID_PRIVATE_KEY go together',
    );
  }
  if (e.NODE_ENV === 'production' && e.HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS === 'true') {
    throw new ConfigError('invalid configuration:\n  HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS: not allowed when NODE_ENV=production');
  }
  if (e.NODE_ENV === 'production' && !e.HERALD_JWT_SECRET) {
    throw new ConfigError('invalid configuration:\n  HERALD_JWT_SECRET: required when NODE_ENV=production');
  }
  const dataDir = resolve(e.HERALD_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA }
      : { kind: 'sqlite', file: resolve(dataDir, 'herald.db') },
    jwtSecret: e.HERALD_JWT_SECRET,
    accessTokenTtlSeconds: e.HERALD_ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: e.HERALD_REFRESH_TOKEN_TTL,
    sessionTtlSeconds: e.HERALD_SESSION_TTL,
    tokenGraceMs: e.HERALD_TOKEN_GRACE_MS,
    refreshReuse: e.HERALD_REFRESH_REUSE,
    adminEmail: e.HERALD_ADMIN_EMAIL?.toLowerCase(),
    allowedOrigins: e.HERALD_ALLOWED_ORIGINS?.split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    maxFrameBytes: e.HERALD_MAX_FRAME_BYTES,
    ratePerSecond: e.HERALD_RATE_PER_SECOND,
    rateBurst: e.HERALD_RATE_BURST,
    sendBufferBytes: e.HERALD_SEND_BUFFER_BYTES,
    sockets: {
      perUser: e.HERALD_USER_SOCKETS,
      // One socket alone must never meet the account's bucket before its own.
      userRatePerSecond: Math.max(e.HERALD_USER_RATE_PER_SECOND, e.HERALD_RATE_PER_SECOND),
      userBurst: Math.max(e.HERALD_USER_RATE_BURST, e.HERALD_RATE_BURST),
      pendingPerIp: e.HERALD_IP_PENDING_SOCKETS,
      handshakesPerMinute: e.HERALD_IP_HANDSHAKES_PER_MINUTE,
    },
    pingIntervalMs: e.HERALD_PING_INTERVAL_MS,
    heartbeatIntervalMs: e.HERALD_HEARTBEAT_INTERVAL_MS,
    authTimeoutMs: e.HERALD_AUTH_TIMEOUT_MS,
    loginRateLimit: e.HERALD_LOGIN_RATE_LIMIT,
    signIn: {
      globalPerMinute: e.HERALD_LOGIN_GLOBAL_PER_MINUTE,
      accountFailures: e.HERALD_LOGIN_ACCOUNT_FAILURES,
      accountWindowMs: e.HERALD_LOGIN_ACCOUNT_WINDOW * 1000,
      accountMaxDelayMs: e.HERALD_LOGIN_ACCOUNT_MAX_DELAY * 1000,
    },
    hashing: {
      concurrency: e.HERALD_HASH_CONCURRENCY ?? defaultHashConcurrency(availableParallelism()),
      maxWaiting: e.HERALD_HASH_QUEUE,
    },
    trustProxy: parseTrustProxy(e.HERALD_TRUST_PROXY ?? 'false') ?? false,
    presenceGraceMs: e.HERALD_PRESENCE_GRACE_MS,
    presenceRefreshMs: e.HERALD_PRESENCE_REFRESH_MS,
    uploads: {
      maxBytes: {
        image: e.HERALD_UPLOAD_MAX_IMAGE_BYTES,
        audio: e.HERALD_UPLOAD_MAX_AUDIO_BYTES,
        video: e.HERALD_UPLOAD_MAX_VIDEO_BYTES,
        document: e.HERALD_UPLOAD_MAX_DOCUMENT_BYTES,
      },
      allowedTypes: e.HERALD_UPLOAD_ALLOWED_TYPES?.split(',').map((t) => t.trim().toLowerCase()),
      linkTtlSeconds: e.HERALD_FILE_LINK_TTL,
      quotaBytes: e.HERALD_UPLOAD_QUOTA_BYTES,
      unattachedTtlMs: e.HERALD_UPLOAD_UNATTACHED_TTL * 1000,
    },
    errorReportRateLimit: e.HERALD_ERROR_REPORT_RATE_LIMIT,
    search: { perMinute: e.HERALD_SEARCH_PER_MINUTE },
    groups: { groupsPerHour: e.HERALD_GROUPS_PER_HOUR, maxMembers: e.HERALD_GROUP_MAX_MEMBERS, addRule: e.HERALD_GROUP_ADD },
    messages: { editWindowMs: e.HERALD_EDIT_WINDOW_SECONDS * 1000, groupMentions: e.HERALD_GROUP_MENTIONS },
    errorReports: {
      maxBytes: e.HERALD_ERROR_REPORT_MAX_BYTES,
      perMinute: e.HERALD_ERROR_REPORTS_PER_MINUTE,
      retentionMs: Math.round(e.HERALD_ERROR_REPORT_RETENTION_DAYS * DAY_MS),
      maxRows: e.HERALD_ERROR_REPORT_MAX_ROWS,
    },
    messageRetentionMs: e.HERALD_MESSAGE_RETENTION_DAYS > 0 ? Math.round(e.HERALD_MESSAGE_RETENTION_DAYS * DAY_MS) : undefined,
    http: {
      requestTimeoutMs: e.HERALD_HTTP_REQUEST_TIMEOUT_MS,
      headersTimeoutMs: e.HERALD_HTTP_HEADERS_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HERALD_HTTP_KEEP_ALIVE_TIMEOUT_MS,
      uploadIdleTimeoutMs: e.HERALD_HTTP_UPLOAD_IDLE_TIMEOUT_MS,
      uploadMinBytesPerSecond: e.HERALD_HTTP_UPLOAD_MIN_BYTES_PER_SECOND,
      checkIntervalMs: e.HERALD_HTTP_TIMEOUT_CHECK_MS,
    },
    nodeId: e.HERALD_NODE_ID ?? `${hostname()}-${process.pid}`,
    webDir: resolve(e.HERALD_WEB_DIR),
    redis: e.REDIS_URL ? { url: e.REDIS_URL, channel: e.HERALD_REDIS_CHANNEL, maxQueuedBytes: e.HERALD_BUS_QUEUE_BYTES } : undefined,
    push: {
      vapidPublicKey: e.HERALD_VAPID_PUBLIC_KEY,
      vapidPrivateKey: e.HERALD_VAPID_PRIVATE_KEY,
      vapidSubject: e.HERALD_VAPID_SUBJECT,
      endpointHosts: e.HERALD_PUSH_ENDPOINT_HOSTS?.split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean) ?? [...DEFAULT_PUSH_HOSTS],
      allowInsecureEndpoints: e.HERALD_PUSH_ALLOW_INSECURE_ENDPOINTS === 'true',
      collapseMs: e.HERALD_PUSH_COLLAPSE_MS,
      timeoutMs: e.HERALD_PUSH_TIMEOUT_MS,
    },
  };
}
