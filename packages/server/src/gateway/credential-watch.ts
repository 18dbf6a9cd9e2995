/**
 * CredentialWatch: live sockets follow their credentials. It listens on the bus for
 * `sessions_revoked` and `user_changed` (published by whichever node ended a session or changed an
 * account) and applies them to this node's authenticated connections:
 * - a revoked session's sockets get an `error` frame (`session_revoked` / `account_disabled`) and
 *   then a 4001 close with that code as the reason, in the same turn the message arrives;
 * - a changed account is read again from current state (the Authority, its cached copy dropped
 *   first) and handed to each socket (`Connection.accountChanged`), then to the features
 *   (`onAccountChanged`, e.g. the admin feature ends a demoted admin's stats stream); a disabled or
 *   deleted account's sockets are closed instead.
 * Invariants: one user's account re-reads are applied in the order their messages arrived (a slow
 * read of an older change never overwrites a newer one); a node with no socket of the user reads
 * nothing. A socket that finished authenticating just after a revocation of its user reached this
 * node (its check raced the revocation) is checked again against current state when it joins.
 * After a bus outage (`recheckAll`, on the bus's restore) every local socket is checked again:
 * revocations and changes published while this node was cut off never arrive as messages.
 */
import { CloseCode, CloseReason, ErrorCode, HeraldError } from '@herald/protocol';
import type { Logger } from 'pino';
import { publicUser } from '../auth/account-repository.js';
import type { Authority } from '../auth/authority.js';
import type { Bus, BusMessage, SessionsRevoked } from '../bus/bus.js';
import { KeyedSerial } from '../util/keyed-serial.js';
import type { Connection } from './connection.js';

/** What the watch needs of a connection (a gateway Connection; a small fake in the unit test). */
export type WatchedConnection = Pick<
  Connection,
  'state' | 'userId' | 'sessionId' | 'credentialExpiresAt' | 'accountChanged' | 'sendError' | 'close' | 'log'
>;

/** This node's authenticated connections by user, and word of each that joins (LocalSessions). */
export interface WatchedSessions<C> {
  ofUser(userId: string): ReadonlySet<C>;
  /** Every user with a socket here (for `recheckAll`). */
  readonly users: ReadonlyMap<string, ReadonlySet<C>>;
  listen(listener: { added?(connection: C): void }): () => void;
}

export interface CredentialWatchDeps<C extends WatchedConnection> {
  bus: Bus;
  sessions: WatchedSessions<C>;
  authority: Pick<Authority, 'account' | 'actorOf' | 'forgetUser'>;
  /** Told after a live connection's account was replaced by the current one (role, name changed). */
  onAccountChanged: (connection: C) => void;
  log: Logger;
  /** A socket that joins within this long after a revocation or change of its user is checked again (ms). */
  recheckMs?: number;
}

/** The error frame sent before each kind of close (its code is also the close reason). */
const sessionRevoked = () => new HeraldError(ErrorCode.SessionRevoked, 'this session was ended; sign in again');
const accountDisabled = () => new HeraldError(ErrorCode.AccountDisabled, 'this account is disabled');
const accountGone = () => new HeraldError(ErrorCode.Unauthorized, 'this account no longer exists');

export class CredentialWatch<C extends WatchedConnection = Connection> {
  private readonly serial = new KeyedSerial();
  /** Users with a revocation or change lately, and when (insertion order is time order). */
  private readonly recent = new Map<string, number>();
  private readonly recheckMs: number;
  private readonly unsubscribeBus: () => void;
  private readonly unlisten: () => void;

  constructor(private readonly deps: CredentialWatchDeps<C>) {
    this.recheckMs = deps.recheckMs ?? 5_000;
    this.unsubscribeBus = deps.bus.subscribe((message) => this.onBusMessage(message));
    this.unlisten = deps.sessions.listen({ added: (connection) => this.joined(connection) });
  }

  /** Resolves when every account re-read started so far has been applied. */
  drain(): Promise<void> {
    return this.serial.drain();
  }

  close(): void {
    this.unsubscribeBus();
    this.unlisten();
  }

  /**
   * The bus was down: a session ended or an account changed meanwhile was never announced here.
   * Check every local socket against current state (its cached copies dropped first): a refused one
   * is closed as a revocation would close it, the rest get their current account. Resolves when done.
   */
  recheckAll(): Promise<void> {
    for (const userId of [...this.deps.sessions.users.keys()]) void this.serial.run(userId, () => this.recheckUser(userId));
    return this.serial.drain();
  }

  private async recheckUser(userId: string): Promise<void> {
    this.deps.authority.forgetUser(userId);
    for (const connection of [...this.deps.sessions.ofUser(userId)]) await this.recheck(connection);
  }

  private onBusMessage(message: BusMessage): void {
    if (message.type === 'sessions_revoked') {
      this.noted(message.userId);
      this.revoke(message);
    } else if (message.type === 'user_changed') {
      this.noted(message.userId);
      void this.serial.run(message.userId, () => this.reload(message.userId));
    }
  }

  /** Close every local socket of the revoked sessions, now (no await between the message and the close). */
  private revoke(message: SessionsRevoked): void {
    const refusal = message.closeReason === CloseReason.AccountDisabled ? accountDisabled() : sessionRevoked();
    for (const connection of [...this.deps.sessions.ofUser(message.userId)]) {
      const sessionId = connection.sessionId;
      const ended = message.sessionIds
        ? sessionId !== undefined && message.sessionIds.includes(sessionId)
        : sessionId !== message.exceptSessionId;
      if (ended) end(connection, refusal);
    }
  }

  /** Read the account as it is now and apply it to every local socket of the user. */
  private async reload(userId: string): Promise<void> {
    if (this.deps.sessions.ofUser(userId).size === 0) return;
    // The Authority drops its copy on the same message, but bus handlers run in subscription order;
    // forgetting here makes sure this read is never served the copy from before the change.
    this.deps.authority.forgetUser(userId);
    let record: Awaited<ReturnType<Authority['account']>>;
    try {
      record = await this.deps.authority.account(userId);
    } catch (error) {
      this.deps.log.warn({ err: error, userId }, 'could not re-read a changed account; its sockets keep the old copy');
      return;
    }
    for (const connection of [...this.deps.sessions.ofUser(userId)]) {
      if (!record) end(connection, accountGone());
      else if (record.disabledAt !== null) end(connection, accountDisabled());
      else this.changed(connection, publicUser(record));
    }
  }

  private changed(connection: C, user: ReturnType<typeof publicUser>): void {
    if (connection.state !== 'ready') return;
    connection.accountChanged(user);
    try {
      this.deps.onAccountChanged(connection);
    } catch (error) {
      connection.log.error({ err: error }, 'account change hook failed');
    }
  }

  /**
   * A socket joined this node. If its user had a revocation or a change moments ago, its own
   * authentication may have read the state from before it (the check and the bus message raced):
   * ask the Authority again, which by now reads the present.
   */
  private joined(connection: C): void {
    const { userId, sessionId } = connection;
    if (!userId || !sessionId) return;
    const at = this.recent.get(userId);
    if (at === undefined || Date.now() - at > this.recheckMs) return;
    void this.serial.run(userId, () => this.recheck(connection));
  }

  /** Ask the Authority about one socket now: a refusal ends it, an answer refreshes its account. */
  private async recheck(connection: C): Promise<void> {
    const { userId, sessionId } = connection;
    if (!userId || !sessionId || connection.state === 'closing' || connection.state === 'closed') return;
    try {
      const actor = await this.deps.authority.actorOf({ userId, sessionId, role: '', expiresAt: connection.credentialExpiresAt });
      const record = await this.deps.authority.account(actor.userId);
      if (record) this.changed(connection, { ...publicUser(record), role: actor.role });
    } catch (error) {
      // A refusal ends the socket; a failed read (database hiccup) leaves it as authenticated.
      if (error instanceof HeraldError) end(connection, error);
      else connection.log.warn({ err: error }, 'could not re-check a socket against current state');
    }
  }

  private noted(userId: string): void {
    const now = Date.now();
    this.recent.delete(userId);
    this.recent.set(userId, now);
    // Oldest first: drop what is past the recheck window (each entry is dropped once, so this is O(1) amortised).
    for (const [id, at] of this.recent) {
      if (now - at <= this.recheckMs) break;
      this.recent.delete(id);
    }
  }
}

/** An error frame naming why, then a 4001 close with the same code as its reason. */
function end(connection: WatchedConnection, refusal: HeraldError): void {
  if (connection.state === 'closing' || connection.state === 'closed') return;
  connection.sendError(refusal);
  connection.close(CloseCode.Unauthorized, refusal.code);
}
