/**
 * The socket's own actions: `authenticate` (token → account → `connected`, then each feature's
 * `connected` hook) and `heartbeat`. Both are served before authentication; `heartbeat` also while
 * the server shuts down.
 * Invariants: a refused token or a deleted account gets an error frame and a 4001 close; a socket
 * is registered with LocalSessions (and so reachable by the bus) before `connected` is sent, and
 * the feature hooks run after it, in feature order, a failing one logged and skipped.
 */
import { CloseCode, type Device, ErrorCode, HeraldError, type User } from '@herald/protocol';
import type { AccountRepository } from '../auth/account-repository.js';
import type { AuthService } from '../auth/auth-service.js';
import type { Feature } from '../feature.js';
import { type ActionHandlers, handlerBeforeAuthentication } from './action-registry.js';
import type { Connection } from './connection.js';
import type { LocalSessions } from './local-sessions.js';
import { serverFrameId } from './server-frame.js';

export interface SessionActionsDeps {
  auth: Pick<AuthService, 'verify'>;
  accounts: Pick<AccountRepository, 'findUserById'>;
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
      const user = await accountOf(connection, frame.data.token, frame.id, deps);
      if (!user) return;
      if (!connection.authenticated(user, frame.data.device)) return; // closed (e.g. timed out) while we checked
      deps.sessions.add(connection);
      sendConnected(connection, user, frame.data.device, deps.connectedInfo);
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

/** The account a token names, without its password hash; undefined (refused and closing with 4001) when there is none. */
async function accountOf(connection: Connection, token: string, ref: string, deps: SessionActionsDeps): Promise<User | undefined> {
  let userId: string;
  try {
    userId = (await deps.auth.verify(token)).userId;
  } catch (error) {
    const herald = error instanceof HeraldError ? error : new HeraldError(ErrorCode.Unauthorized, 'invalid token');
    connection.sendError(herald, ref);
    connection.close(CloseCode.Unauthorized, herald.code);
    return undefined;
  }
  const record = await deps.accounts.findUserById(userId);
  if (!record) {
    connection.sendError(new HeraldError(ErrorCode.Unauthorized, 'account no longer exists'), ref);
    connection.close(CloseCode.Unauthorized, ErrorCode.Unauthorized);
    return undefined;
  }
  const { passwordHash: _hidden, ...user } = record;
  return user;
}

function sendConnected(connection: Connection, user: User, device: Device, info: SessionActionsDeps['connectedInfo']): void {
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
      limits: info.limits,
    },
    timestamp: Date.now(),
  });
}
