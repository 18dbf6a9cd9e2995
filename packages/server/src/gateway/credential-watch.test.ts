/**
 * CredentialWatch's rules, over the in-process bus and small fakes of a connection, LocalSessions
 * and the Authority; the real-socket side (on both databases and across two nodes) is in
 * test/revocation.test.ts and test/revocation-cluster.test.ts.
 */
import { CloseCode, CloseReason, ErrorCode, HeraldError, type User } from '@herald/protocol';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { UserRecord } from '../auth/account-repository.js';
import type { Actor } from '../auth/actor.js';
import type { AccessClaims } from '../auth/tokens.js';
import { MemoryBus } from '../bus/memory-bus.js';
import type { ConnectionState } from './connection.js';
import { CredentialWatch, type WatchedConnection, type WatchedSessions } from './credential-watch.js';

const log = pino({ level: 'silent' });

class FakeConnection implements WatchedConnection {
  state: ConnectionState = 'ready';
  /** What happened to it, in order: `error:<code>`, `close:<code>:<reason>`, `account:<role>`. */
  readonly events: string[] = [];
  readonly log = log;
  credentialExpiresAt = Date.now() + 60_000;
  constructor(
    public user: User,
    readonly sessionId: string,
  ) {}
  get userId(): string {
    return this.user.id;
  }
  accountChanged(user: User): void {
    this.user = user;
    this.events.push(`account:${user.role}`);
  }
  sendError(error: HeraldError): void {
    if (this.state === 'ready') this.events.push(`error:${error.code}`);
  }
  close(code: number, reason: string): void {
    if (this.state !== 'ready') return;
    this.state = 'closing';
    this.events.push(`close:${code}:${reason}`);
  }
}

class FakeSessions implements WatchedSessions<FakeConnection> {
  readonly byUser = new Map<string, Set<FakeConnection>>();
  get users(): ReadonlyMap<string, ReadonlySet<FakeConnection>> {
    return this.byUser;
  }
  private added: ((connection: FakeConnection) => void) | undefined;
  ofUser(userId: string): ReadonlySet<FakeConnection> {
    return this.byUser.get(userId) ?? new Set();
  }
  listen(listener: { added?(connection: FakeConnection): void }): () => void {
    this.added = listener.added;
    return () => {
      this.added = undefined;
    };
  }
  add(connection: FakeConnection): void {
    const set = this.byUser.get(connection.userId) ?? new Set();
    set.add(connection);
    this.byUser.set(connection.userId, set);
    this.added?.(connection);
  }
}

/** An Authority whose reads the test answers (each `account` call waits for `answer`). */
class FakeAuthority {
  readonly calls: string[] = [];
  readonly stored = new Map<string, UserRecord>();
  /** When set, `account` reads wait until the test resolves them, in any order it likes. */
  held: ((release: () => void) => void) | undefined;
  refuse: HeraldError | undefined;
  /** Sessions ended in the store (their `actorOf` answers session_revoked). */
  readonly ended = new Set<string>();
  forgetUser(userId: string): void {
    this.calls.push(`forget:${userId}`);
  }
  async account(userId: string): Promise<UserRecord | undefined> {
    this.calls.push(`read:${userId}`);
    const snapshot = this.stored.get(userId);
    const copy = snapshot ? { ...snapshot } : undefined;
    if (this.held) await new Promise<void>((resolve) => this.held?.(resolve));
    return copy;
  }
  async actorOf(claims: AccessClaims): Promise<Actor> {
    this.calls.push(`actor:${claims.sessionId}`);
    if (this.refuse) throw this.refuse;
    if (this.ended.has(claims.sessionId)) throw new HeraldError(ErrorCode.SessionRevoked, 'ended');
    const record = this.stored.get(claims.userId);
    return { userId: claims.userId, role: record?.role ?? 'user', sessionId: claims.sessionId };
  }
}

function record(id: string, role: User['role'], disabledAt: number | null = null): UserRecord {
  return { id, email: `${id}@example.test`, name: id, role, avatar: null, createdAt: 1, passwordHash: 'x', disabledAt };
}

const watches: CredentialWatch<FakeConnection>[] = [];
function setup() {
  const bus = new MemoryBus();
  const sessions = new FakeSessions();
  const authority = new FakeAuthority();
  const hooked: FakeConnection[] = [];
  const watch = new CredentialWatch<FakeConnection>({
    bus,
    sessions,
    authority,
    onAccountChanged: (connection) => hooked.push(connection),
    log,
  });
  watches.push(watch);
  const connect = (userId: string, sessionId: string, role: User['role'] = 'user') => {
    const connection = new FakeConnection(record(userId, role), sessionId);
    sessions.add(connection);
    return connection;
  };
  return { bus, sessions, authority, watch, hooked, connect };
}

afterEach(() => {
  for (const watch of watches.splice(0)) watch.close();
});

describe('CredentialWatch: sessions_revoked', () => {
  it('closes the listed sessions only, with an error frame first and 4001 session_revoked, in the same turn', async () => {
    const { bus, connect } = setup();
    const [a1, a1b, a2, b1] = [connect('a', 's1'), connect('a', 's1'), connect('a', 's2'), connect('b', 's3')];
    await bus.publish({ type: 'sessions_revoked', userId: 'a', sessionIds: ['s1'], closeReason: CloseReason.SessionRevoked });
    const closed = [`error:${ErrorCode.SessionRevoked}`, `close:${CloseCode.Unauthorized}:${CloseReason.SessionRevoked}`];
    expect(a1.events).toEqual(closed);
    expect(a1b.events).toEqual(closed);
    expect(a2.events).toEqual([]);
    expect(b1.events).toEqual([]);
  });

  it('with sessionIds null closes every session of the user but exceptSessionId', async () => {
    const { bus, connect } = setup();
    const [keep, other, third] = [connect('a', 'keep'), connect('a', 'other'), connect('a', 'third')];
    await bus.publish({ type: 'sessions_revoked', userId: 'a', sessionIds: null, exceptSessionId: 'keep', closeReason: 'session_revoked' });
    expect(keep.state).toBe('ready');
    expect(other.state).toBe('closing');
    expect(third.state).toBe('closing');
  });

  it('names account_disabled in the error frame and the close reason when the account was disabled; an unknown reason reads as session_revoked', async () => {
    const { bus, connect } = setup();
    const disabled = connect('a', 's1');
    const odd = connect('b', 's2');
    await bus.publish({ type: 'sessions_revoked', userId: 'a', sessionIds: null, closeReason: CloseReason.AccountDisabled });
    await bus.publish({ type: 'sessions_revoked', userId: 'b', sessionIds: null, closeReason: 'something else' });
    expect(disabled.events).toEqual([`error:${ErrorCode.AccountDisabled}`, `close:4001:${CloseReason.AccountDisabled}`]);
    expect(odd.events).toEqual([`error:${ErrorCode.SessionRevoked}`, `close:4001:${CloseReason.SessionRevoked}`]);
  });
});

describe('CredentialWatch: user_changed', () => {
  it('forgets the cached account before reading it, then hands each socket the current account and tells the features', async () => {
    const { bus, authority, watch, hooked, connect } = setup();
    const one = connect('a', 's1', 'admin');
    const two = connect('a', 's2', 'admin');
    authority.stored.set('a', record('a', 'user'));
    await bus.publish({ type: 'user_changed', userId: 'a' });
    await watch.drain();
    expect(authority.calls).toEqual(['forget:a', 'read:a']);
    expect(one.user.role).toBe('user');
    expect(two.events).toEqual(['account:user']);
    expect(hooked).toEqual([one, two]);
  });

  it('closes the sockets of a disabled account (account_disabled) and of a deleted one (unauthorized)', async () => {
    const { bus, authority, watch, hooked, connect } = setup();
    const disabled = connect('a', 's1');
    const deleted = connect('b', 's2');
    authority.stored.set('a', record('a', 'user', Date.now()));
    await bus.publish({ type: 'user_changed', userId: 'a' });
    await bus.publish({ type: 'user_changed', userId: 'b' });
    await watch.drain();
    expect(disabled.events).toEqual([`error:${ErrorCode.AccountDisabled}`, `close:4001:${CloseReason.AccountDisabled}`]);
    expect(deleted.events).toEqual([`error:${ErrorCode.Unauthorized}`, `close:4001:${ErrorCode.Unauthorized}`]);
    expect(hooked).toEqual([]);
  });

  it("applies one user's changes in arrival order even when the older read answers last", async () => {
    const { bus, authority, watch, connect } = setup();
    const socket = connect('a', 's1', 'user');
    const releases: (() => void)[] = [];
    authority.held = (release) => releases.push(release);
    authority.stored.set('a', record('a', 'admin'));
    await bus.publish({ type: 'user_changed', userId: 'a' }); // promoted...
    await new Promise((resolve) => setImmediate(resolve));
    authority.stored.set('a', record('a', 'user'));
    await bus.publish({ type: 'user_changed', userId: 'a' }); // ...and demoted again
    await new Promise((resolve) => setImmediate(resolve));
    // The second read has not even started: it waits for the first.
    expect(releases).toHaveLength(1);
    releases[0]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(releases).toHaveLength(2);
    releases[1]?.();
    await watch.drain();
    expect(socket.events).toEqual(['account:admin', 'account:user']);
    expect(socket.user.role).toBe('user');
  });

  it('reads nothing on a node with no socket of the user', async () => {
    const { bus, authority, watch } = setup();
    await bus.publish({ type: 'user_changed', userId: 'nobody' });
    await watch.drain();
    expect(authority.calls).toEqual([]);
  });
});

describe('CredentialWatch: a socket that joins just after a revocation', () => {
  it('is checked again against current state and closed when refused', async () => {
    const { bus, authority, watch, connect } = setup();
    await bus.publish({ type: 'sessions_revoked', userId: 'a', sessionIds: ['late'], closeReason: CloseReason.SessionRevoked });
    authority.refuse = new HeraldError(ErrorCode.SessionRevoked, 'ended');
    const late = connect('a', 'late'); // its authentication read the session before the revocation
    await watch.drain();
    expect(authority.calls).toEqual(['actor:late']);
    expect(late.events).toEqual([`error:${ErrorCode.SessionRevoked}`, `close:4001:${CloseReason.SessionRevoked}`]);
  });

  it("is kept (with its current account) when the check passes, and other users' sockets are not checked at all", async () => {
    const { bus, authority, watch, connect } = setup();
    await bus.publish({ type: 'sessions_revoked', userId: 'a', sessionIds: ['old'], closeReason: CloseReason.SessionRevoked });
    authority.stored.set('a', record('a', 'user'));
    const fresh = connect('a', 'new');
    const stranger = connect('b', 'b1');
    await watch.drain();
    expect(authority.calls).toEqual(['actor:new', 'read:a']);
    expect(fresh.state).toBe('ready');
    expect(stranger.events).toEqual([]);
  });
});

describe('CredentialWatch: after a bus outage', () => {
  it('checks every local socket against current state: ended sessions are closed, the others get their current account', async () => {
    const { authority, watch, connect } = setup();
    authority.stored.set('a', record('a', 'user'));
    authority.stored.set('b', record('b', 'admin'));
    const [a1, a2, b1] = [connect('a', 's1'), connect('a', 's2'), connect('b', 's3')];
    authority.ended.add('s1'); // revoked while this node heard nothing
    authority.stored.set('b', record('b', 'user')); // demoted meanwhile
    await watch.recheckAll();
    expect(a1.events).toEqual([`error:${ErrorCode.SessionRevoked}`, `close:${CloseCode.Unauthorized}:${CloseReason.SessionRevoked}`]);
    expect(a2.events).toEqual(['account:user']);
    expect(b1.events).toEqual(['account:user']);
    expect(authority.calls.filter((c) => c.startsWith('forget:')).sort()).toEqual(['forget:a', 'forget:b']);
  });
});
