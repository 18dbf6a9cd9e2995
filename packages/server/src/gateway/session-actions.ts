/**
 * The socket's own actions: `authenticate` (token → account → `connected`, then each feature's
 * `connected` hook), `reauthenticate` (a fresh token of the same user replaces the socket's
 * credential in band) and `heartbeat`. `authenticate` and `heartbeat` are served before
 * authentication; `heartbeat` also while the server shuts down.
 * Invariants: a refused token or a deleted account gets an error frame and a 4001 close; a socket
 * is registered with LocalSessions (and so reachable by the bus) before `connected` is sent, and
 * the feature hooks run after it, in feature order, a failing one logged and skipped. One
 * `authenticate` at a time per socket: another sent while one is checked gets `already_authenticated`.
 * A renewal touches nothing but the credential (subscriptions, streams and in-flight requests stay);
 * a refused renewal leaves the old credential in force until it expires (credential-expiry.ts),
 * except a revoked session or a disabled account, which close the socket at once (4001 + reason),
 * and a token of another user, which is refused with `forbidden` and changes nothing.
 * The per-account socket cap (limit `user_sockets`) is checked after the token, before the socket
 * is registered: past it the NEW socket is refused (`rate_limited` with `ref`, then close 4029
 * `too_many_sockets`) and the account's open sockets are untouched — closing someone's working
 * socket because another one appeared would let a leaked token knock its owner off.
 */
import { CloseCode, type Device, ErrorCode, HeraldError, type User } from '@herald/protocol';
import { publicUser } from '../auth/account-repository.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Authority } from '../auth/authority.js';
import type { Feature } from '../feature.js';
import { rateLimited } from '../limits/limit-exceeded.js';
import type { Metrics } from '../metrics.js';
import { type ActionHandlers, handlerBeforeAuthentication, handlerFor } from './action-registry.js';
import type { Connection, ConnectionState } from './connection.js';
import type { LocalSessions } from './local-sessions.js';
import { ack, serverFrameId } from './server-frame.js';
import type { SocketLeases } from './socket-leases.js';

export interface SessionActionsDeps {
  auth: Pick<AuthService, 'verify'>;
  /** Whether the token's session is live and its account enabled, and the account as it is now. */
  authority: Pick<Authority, 'actorOf' | 'account'>;
  sessions: Pick<LocalSessions, 'add'>;
  /** Whose `connected` hooks run after each authentication, in this order. */
  features: readonly Pick<Feature, 'name' | 'connected'>[];
  /** What `connected` tells the client about this server. */
  connectedInfo: {
    heartbeatIntervalMs: number;
    limits: {
      maxFrameBytes: number;
      ratePerSecond: number;
      burst: number;
      userSockets?: number;
      userRatePerSecond?: number;
      userBurst?: number;
    };
  };
  /** The per-account socket cap; its slots are released when the socket leaves LocalSessions (app.ts). */
  userSockets?: { limit: number; leases: SocketLeases; metrics: Pick<Metrics, 'limitRejections'> } | undefined;
}

/** What a refused socket is told to wait before trying again: a slot frees only when another socket closes. */
export const USER_SOCKETS_RETRY_MS = 5_000;
/** The close reason after a refusal by the per-account socket cap (code 4029). */
export const TOO_MANY_SOCKETS = 'too_many_sockets';

/** A connection's state read now (a call, so no narrowing from before an await carries over). */
const stateOf = (connection: Connection): ConnectionState => connection.state;

export function sessionActions(deps: SessionActionsDeps): ActionHandlers {
  /**
   * Sockets with an `authenticate` being checked: a second one is refused at once, so `connected`
   * (which has no `ref`) always answers the first, whichever token check would finish first.
   */
  const checking = new WeakSet<Connection>();
  return {
    authenticate: handlerBeforeAuthentication('authenticate', async (connection, frame) => {
      if (connection.state !== 'authenticating') {
        throw new HeraldError(ErrorCode.AlreadyAuthenticated, 'this socket is already authenticated');
      }
      if (checking.has(connection)) {
        throw new HeraldError(ErrorCode.AlreadyAuthenticated, 'an authenticate is already being checked on this socket');
      }
      checking.add(connection);
      const checked = await accountOf(connection, frame.data.token, frame.id, deps).finally(() => checking.delete(connection));
      if (!checked) return;
      const { user, credential } = checked;
      const cap = deps.userSockets;
      if (cap && stateOf(connection) === 'authenticating' && !(await cap.leases.acquire(user.id, connection.id, cap.limit))) {
        const message = `this account already has ${cap.limit} sockets open; close one before opening another`;
        connection.sendError(rateLimited('user_sockets', USER_SOCKETS_RETRY_MS, message, cap.metrics), frame.id);
        connection.close(CloseCode.TooManySockets, TOO_MANY_SOCKETS);
        return;
      }
      if (!connection.authenticated(user, frame.data.device, credential)) {
        // Not registered, so LocalSessions will never release the slot: give it back here.
        if (stateOf(connection) !== 'ready') cap?.leases.release(user.id, connection.id);
        // A second authenticate raced the first (both passed the check above): it gets its answer.
        if (stateOf(connection) === 'ready') throw new HeraldError(ErrorCode.AlreadyAuthenticated, 'this socket is already authenticated');
        return; // closed (e.g. timed out) while we checked
      }
      deps.sessions.add(connection);
      sendConnected(connection, user, frame.data.device, credential.expiresAt, deps.connectedInfo);
      for (const feature of deps.features) {
        try {
          await feature.connected?.(connection);
        } catch (error) {
          connection.log.error({ err: error, feature: feature.name }, 'feature connected hook failed');
        }
      }
    }),

    reauthenticate: handlerFor('reauthenticate', async (connection, frame, userId) => {
      const claims = await deps.auth.verify(frame.data.token); // token_expired / unauthorized: old credential stays
      // Before the Authority: another user's token must not even touch their session's last use.
      if (claims.userId !== userId) throw new HeraldError(ErrorCode.Forbidden, "not a token of this socket's user");
      let user: User | undefined;
      let sessionId: string;
      try {
        const actor = await deps.authority.actorOf(claims);
        const record = await deps.authority.account(actor.userId);
        if (record) user = { ...publicUser(record), role: actor.role };
        sessionId = actor.sessionId;
      } catch (error) {
        if (error instanceof HeraldError && CLOSING_REFUSALS.includes(error.code)) {
          // The account or the session is over: nothing this socket holds is worth keeping.
          connection.sendError(error, frame.id);
          connection.close(CloseCode.Unauthorized, error.code);
          return;
        }
        throw error;
      }
      if (!connection.renewed({ sessionId, expiresAt: claims.expiresAt })) return; // closing meanwhile
      if (user) connection.accountChanged(user);
      ack(connection, frame, { credentialExpiresAt: claims.expiresAt });
    }),

    heartbeat: handlerBeforeAuthentication(
      'heartbeat',
      async (connection, frame) => {
        connection.send({
          id: serverFrameId(),
          type: 'heartbeat',
          action: 'heartbeat',
          data: { ref: frame.id, serverTime: Date.now() },
          timestamp: Date.now(),
        });
      },
      { whileDraining: true },
    ),
  };
}

/** Refusals of a renewal that end the socket too: 4001 with the code as the reason (= `CloseReason.SessionRevoked` / `AccountDisabled`). */
const CLOSING_REFUSALS: readonly string[] = [ErrorCode.SessionRevoked, ErrorCode.AccountDisabled];

/**
 * The account a token names and the credential it is (session, expiry): the token verified, its
 * session live, its account enabled (Authority). Undefined when refused: an error frame and a 4001
 * close with the error's code as the reason have been sent.
 */
async function accountOf(
  connection: Connection,
  token: string,
  ref: string,
  deps: SessionActionsDeps,
): Promise<{ user: User; credential: { sessionId: string; expiresAt: number } } | undefined> {
  try {
    const claims = await deps.auth.verify(token);
    const actor = await deps.authority.actorOf(claims);
    const record = await deps.authority.account(actor.userId);
    if (!record) throw new HeraldError(ErrorCode.Unauthorized, 'account no longer exists');
    return { user: { ...publicUser(record), role: actor.role }, credential: { sessionId: actor.sessionId, expiresAt: claims.expiresAt } };
  } catch (error) {
    // A fault of ours (the database is down) is not a verdict on the token: the router answers
    // `internal` and the socket stays open, so the client retries rather than dropping its credential.
    if (!(error instanceof HeraldError)) throw error;
    const herald = error;
    connection.sendError(herald, ref);
    connection.close(CloseCode.Unauthorized, herald.code);
    return undefined;
  }
}

function sendConnected(
  connection: Connection,
  user: User,
  device: Device,
  credentialExpiresAt: number,
  info: SessionActionsDeps['connectedInfo'],
): void {
  connection.send({
    id: serverFrameId(),
    type: 'system',
    action: 'connected',
    data: {
      connectionId: connection.id,
      user,
      device,
      serverTime: Date.now(),
      heartbeatIntervalMs: info.heartbeatIntervalMs,
      credentialExpiresAt,
      limits: info.limits,
    },
    timestamp: Date.now(),
  });
}
