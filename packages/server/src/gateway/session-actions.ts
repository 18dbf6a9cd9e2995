/**
 * The socket's own actions: `authenticate` (token → account → `connected`, then each feature's
 * `connected` hook) and `heartbeat`. Both are served before authentication; `heartbeat` also while
 * the server shuts down.
 * Invariants: a refused token or a deleted account gets an error frame and a 4001 close; a socket
 * is registered with LocalSessions (and so reachable by the bus) before `connected` is sent, and
 * the feature hooks run after it, in feature order, a failing one logged and skipped.
 */
import { CloseCode, type Device, ErrorCode, HeraldError, type User } from '@herald/protocol';
import { publicUser } from '../auth/account-repository.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Authority } from '../auth/authority.js';
import type { Feature } from '../feature.js';
import { type ActionHandlers, handlerBeforeAuthentication } from './action-registry.js';
import type { Connection } from './connection.js';
import type { LocalSessions } from './local-sessions.js';
import { serverFrameId } from './server-frame.js';

export interface SessionActionsDeps {
  auth: Pick<AuthService, 'verify'>;
  /** Whether the token's session is live and its account enabled, and the account as it is now. */
  authority: Pick<Authority, 'actorOf' | 'account'>;
  sessions: Pick<LocalSessions, 'add'>;
  /** Whose `connected` hooks run after each authentication, in this order. */
  features: readonly Pick<Feature, 'name' | 'connected'>[];
  /** What `connected` tells the client about this server. */
  connectedInfo: { heartbeatIntervalMs: number; limits: { maxFrameBytes: number; ratePerSecond: number; burst: number } };
}

export function sessionActions(deps: SessionActionsDeps): ActionHandlers {
  return {
    authenticate: handlerBeforeAuthentication('authenticate', async (connection, frame) => {
      if (connection.state !== 'authenticating') {
        throw new HeraldError(ErrorCode.AlreadyAuthenticated, 'this socket is already authenticated');
      }
      const checked = await accountOf(connection, frame.data.token, frame.id, deps);
      if (!checked) return;
      const { user, credential } = checked;
      if (!connection.authenticated(user, frame.data.device, credential)) return; // closed (e.g. timed out) while we checked
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
    const herald = error instanceof HeraldError ? error : new HeraldError(ErrorCode.Unauthorized, 'invalid token');
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
